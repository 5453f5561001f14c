package com.englog.observability.healthcheck.internal;

import com.englog.observability.health.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Not public API. Instant queries against Prometheus's HTTP API. */
public final class PrometheusClient {

  /** Answers larger than this are refused: an instant query for a health check is small. */
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private final URI base;
  private final Secret token;
  private final HttpClient http;

  public PrometheusClient(URI base, Secret token, HttpClient http) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.token = token;
    this.http = http;
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
   * Runs {@code promql} at the current time.
   *
   * @throws IOException with Prometheus's own error message when the query fails
   */
  @SuppressWarnings("unchecked")
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
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.body().length > MAX_BODY) {
      throw new IOException("Prometheus answer larger than " + MAX_BODY + " bytes");
    }
    Object parsed;
    try {
      parsed = MiniJson.parse(new String(response.body(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException("Prometheus answered HTTP " + response.statusCode() + " with a body that is not JSON");
    }
    if (!(parsed instanceof Map)) {
      throw new IOException("Prometheus answered HTTP " + response.statusCode() + " with unexpected JSON");
    }
    Map<String, Object> body = (Map<String, Object>) parsed;
    if (!"success".equals(body.get("status"))) {
      throw new IOException("Prometheus query failed (HTTP " + response.statusCode() + "): "
          + body.get("errorType") + ": " + body.get("error"));
    }
    Map<String, Object> data = (Map<String, Object>) body.get("data");
    String type = String.valueOf(data.get("resultType"));
    List<Sample> samples = new ArrayList<>();
    if ("scalar".equals(type)) {
      samples.add(new Sample(Map.of(), value((List<Object>) data.get("result"))));
    } else if ("vector".equals(type)) {
      for (Object o : (List<Object>) data.get("result")) {
        Map<String, Object> series = (Map<String, Object>) o;
        Map<String, String> labels = new TreeMap<>();
        ((Map<String, Object>) series.get("metric")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
        samples.add(new Sample(labels, value((List<Object>) series.get("value"))));
      }
    } else {
      throw new IOException("query returned a " + type + "; a health check needs an instant vector or scalar");
    }
    return samples;
  }

  private static double value(List<Object> pair) {
    String s = String.valueOf(pair.get(1));
    switch (s) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default: return Double.parseDouble(s);
    }
  }
}
