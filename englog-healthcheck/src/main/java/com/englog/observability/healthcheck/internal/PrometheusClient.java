package com.englog.observability.healthcheck.internal;

import com.englog.observability.common.Secret;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Not public API. Instant queries against Prometheus's HTTP API. */
public final class PrometheusClient {

  /** Answers larger than this are refused: an instant query for a health check is small. */
  private static final int MAX_BODY = 16 * 1024 * 1024;

  /**
   * Prometheus's answers as records. Nesting is limited far below Jackson's default: an answer is
   * five levels deep, so a hostile one cannot make the reader work hard.
   */
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  private static final ObjectReader ANSWER = JSON.readerFor(Answer.class);
  private static final ObjectReader SERIES = JSON.readerFor(new TypeReference<List<Series>>() {});

  private final URI base;
  private final Secret token;
  private final HttpClient http;
  private final int maxBody;

  public PrometheusClient(URI base, Secret token, HttpClient http) {
    this(base, token, http, MAX_BODY);
  }

  PrometheusClient(URI base, Secret token, HttpClient http, int maxBody) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.token = token;
    this.http = http;
    this.maxBody = maxBody;
  }

  /** One series (or the scalar) of an instant query's result. */
  public static final class Sample {
    public final Map<String, String> labels;
    public final double value;

    Sample(Map<String, String> labels, double value) {
      this.labels = labels;
      this.value = value;
    }

    /** {@code {job="api", instance="a:1"}} without {@code __name__}; empty for no labels. */
    public String labelText() {
      StringBuilder sb = new StringBuilder();
      labels.forEach((k, v) -> {
        if (!k.equals("__name__")) {
          sb.append(sb.length() == 0 ? "{" : ", ").append(k).append("=\"").append(v).append('"');
        }
      });
      return sb.length() == 0 ? "" : sb.append('}').toString();
    }
  }

  /**
   * Runs {@code promql} at the current time. The whole exchange, body included, is bounded by {@code
   * timeout}, and the answer by {@value #MAX_BODY} bytes, so a Prometheus (or proxy) that stalls or
   * streams without end cannot hang or exhaust the CLI.
   *
   * @throws IOException with Prometheus's own error message when the query fails, or saying what was
   *     wrong with the answer
   */
  public List<Sample> query(String promql, Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
        .timeout(timeout)
        .header("Accept", "application/json");
    if (token != null) {
      Optional<String> value = token.value();
      if (value.isEmpty()) {
        throw new IOException("Prometheus bearer token unavailable from " + token);
      }
      request.header("Authorization", "Bearer " + value.get());
    }
    CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request.build(), info -> limited(maxBody));
    HttpResponse<byte[]> response;
    try {
      response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("no complete answer from Prometheus within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      throw new IOException("query to Prometheus failed: " + cause, cause);
    }
    return samples(response.statusCode(), response.body());
  }

  /** An answer of the HTTP API; fields it may add later (warnings, infos) are ignored. */
  private record Answer(String status, String errorType, String error, Data data) {}

  private record Data(String resultType, JsonNode result) {}

  /** One series of a vector: its labels and {@code [time, "value"]}. */
  private record Series(Map<String, String> metric, List<JsonNode> value) {}

  /** The samples of an answer; a shape other than the HTTP API's is an IOException, not a crash. */
  private static List<Sample> samples(int statusCode, byte[] body) throws IOException {
    try {
      Answer answer = ANSWER.readValue(body);
      if (!"success".equals(answer.status())) {
        throw new IOException("Prometheus query failed (HTTP " + statusCode + "): "
            + answer.errorType() + ": " + answer.error());
      }
      String type = answer.data().resultType();
      List<Sample> samples = new ArrayList<>();
      if ("scalar".equals(type)) {
        samples.add(new Sample(Map.of(), value(answer.data().result().get(1))));
      } else if ("vector".equals(type)) {
        for (Series series : SERIES.<List<Series>>readValue(answer.data().result())) {
          samples.add(new Sample(new TreeMap<>(series.metric()), value(series.value().get(1))));
        }
      } else {
        throw new IOException("query returned a " + type + "; a health check needs an instant vector or scalar");
      }
      return samples;
    } catch (JsonParseException | StreamConstraintsException e) {
      throw new IOException("Prometheus answered HTTP " + statusCode + " with a body that is not JSON");
    } catch (JsonMappingException | NullPointerException | IndexOutOfBoundsException | NumberFormatException e) {
      throw new IOException("Prometheus answered HTTP " + statusCode + " with JSON that is not a query result ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** Collects a body of at most {@code max} bytes; a larger one fails the exchange and is not read. */
  private static HttpResponse.BodySubscriber<byte[]> limited(int max) {
    return new HttpResponse.BodySubscriber<>() {
      private final CompletableFuture<byte[]> result = new CompletableFuture<>();
      private final ByteArrayOutputStream out = new ByteArrayOutputStream();
      private Flow.Subscription subscription;

      @Override
      public CompletionStage<byte[]> getBody() {
        return result;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
          if (result.isDone()) {
            return;
          }
          if (out.size() + (long) b.remaining() > max) {
            subscription.cancel();
            result.completeExceptionally(new IOException("Prometheus answer larger than " + max + " bytes"));
            return;
          }
          byte[] chunk = new byte[b.remaining()];
          b.get(chunk);
          out.write(chunk, 0, chunk.length);
        }
      }

      @Override
      public void onError(Throwable error) {
        result.completeExceptionally(error);
      }

      @Override
      public void onComplete() {
        result.complete(out.toByteArray());
      }
    };
  }

  private static double value(JsonNode node) {
    String s = node.textValue();
    switch (s) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default: return Double.parseDouble(s);
    }
  }
}
