package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.HttpAttributes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two "services" in one JVM, each with its own Tracing (own SDK, own service.name), each behind a
 * real HTTP server on loopback. The API calls the summarizer over HTTP; what the OTLP receiver gets
 * is one trace with correct parent links across the process boundary.
 */
class TwoServiceTraceIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AttributeKey<String> ROUTE = HttpAttributes.HTTP_ROUTE;

  private final OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Tracing api;
  private Tracing summarizer;
  private HttpServer apiServer;
  private HttpServer summarizerServer;

  private Tracing tracing(String service) {
    return Tracing.builder().serviceName(service).property("otel.resource.attributes", "service.version=test").property("otel.bsp.schedule.delay", "100ms")
        .configuration(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()))
        .build();
  }

  interface Handler {
    String handle(HttpExchange exchange) throws Exception;
  }

  /** A JDK HttpServer whose handler runs in a SERVER span continuing the caller's trace. */
  @SuppressWarnings("try")
  private static HttpServer serve(Tracing tracing, String route, Handler handler)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      byte[] body;
      int status = 200;
      try (Scope remote = tracing.extractHeaders(exchange.getRequestHeaders()).makeCurrent()) {
        body = tracing.inSpan("GET " + route, SpanKind.SERVER, Attributes.of(ROUTE, route),
            () -> handler.handle(exchange)).getBytes(StandardCharsets.UTF_8);
      } catch (Exception e) {
        status = 500;
        body = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  @AfterEach
  void stop() {
    if (apiServer != null) {
      apiServer.stop(0);
    }
    if (summarizerServer != null) {
      summarizerServer.stop(0);
    }
    if (api != null) {
      api.close();
    }
    if (summarizer != null) {
      summarizer.close();
    }
    receiver.close();
  }

  @Test
  void aCallAcrossTwoServicesIsOneTraceWithCorrectParents() throws Exception {
    api = tracing("englog-api");
    summarizer = tracing("englog-summarizer");

    summarizerServer = serve(summarizer, "/summaries/{id}", exchange ->
        summarizer.traceAiProcessing("summarize", "openai", () -> "summary of " + exchange.getRequestURI()));
    URI summarizerUri = URI.create("http://127.0.0.1:" + summarizerServer.getAddress().getPort() + "/summaries/42");

    apiServer = serve(api, "/api/v1/journals/{id}", exchange -> {
      String entry = api.traceDbQuery("select", "journals", () -> "entry 42");
      String summary = api.inSpan("GET", SpanKind.CLIENT, Attributes.empty(), () -> {
        HttpRequest.Builder request = HttpRequest.newBuilder(summarizerUri).timeout(Duration.ofSeconds(30));
        api.inject(request, HttpRequest.Builder::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
      });
      return entry + " / " + summary;
    });

    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + apiServer.getAddress().getPort() + "/api/v1/journals/42"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("entry 42 / summary of /summaries/42");

    List<ReceivedSpan> spans = receiver.awaitSpans(5, WAIT);
    Map<String, ReceivedSpan> byName = spans.stream().collect(Collectors.toMap(ReceivedSpan::name, s -> s));
    ReceivedSpan apiServerSpan = byName.get("GET /api/v1/journals/{id}");
    ReceivedSpan dbSpan = byName.get("select journals");
    ReceivedSpan clientSpan = byName.get("GET");
    ReceivedSpan summarizerServerSpan = byName.get("GET /summaries/{id}");
    ReceivedSpan aiSpan = byName.get("summarize openai");

    Set<String> traceIds = spans.stream().map(ReceivedSpan::traceId).collect(Collectors.toSet());
    assertThat(traceIds).as("one trace across both services").hasSize(1);
    assertThat(apiServerSpan.parentSpanId()).as("the API request is the root").isEmpty();
    assertThat(dbSpan.parentSpanId()).isEqualTo(apiServerSpan.spanId());
    assertThat(clientSpan.parentSpanId()).isEqualTo(apiServerSpan.spanId());
    assertThat(summarizerServerSpan.parentSpanId()).as("crosses the HTTP call").isEqualTo(clientSpan.spanId());
    assertThat(aiSpan.parentSpanId()).isEqualTo(summarizerServerSpan.spanId());

    assertThat(apiServerSpan.resourceAttributes()).containsEntry("service.name", "englog-api");
    assertThat(dbSpan.resourceAttributes()).containsEntry("service.name", "englog-api");
    assertThat(summarizerServerSpan.resourceAttributes()).containsEntry("service.name", "englog-summarizer");
    assertThat(aiSpan.resourceAttributes()).containsEntry("service.name", "englog-summarizer")
        .containsEntry("service.version", "test");
    assertThat(apiServerSpan.kind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(apiServerSpan.attributes()).containsEntry(ROUTE.getKey(), "/api/v1/journals/{id}");
    assertThat(dbSpan.attributes()).containsEntry("db.system.name", "postgresql")
        .containsEntry("db.collection.name", "journals");
    assertThat(aiSpan.attributes()).containsEntry("gen_ai.operation.name", "chat")
        .containsEntry("gen_ai.provider.name", "openai")
        .containsEntry("englog.ai.task_type", "summarize");
  }
}
