package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import com.englog.observability.testsupport.TestEnvironment;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code Tracing.Mode.AGENT} with the real OpenTelemetry Java agent: a child JVM runs {@link AgentModeApp}
 * under {@code -javaagent}, exporting to a local OTLP receiver. Each request gives exactly one SERVER
 * span, the agent's, continuing the caller's trace and enriched by the filter with the route template
 * and the correlation id; the {@code traceresponse} header and the latency exemplar name that span.
 */
class AgentModeIT {

  private static final Path AGENT = Path.of("target", "agent", "opentelemetry-javaagent.jar");
  private static final Pattern READY = Pattern.compile("agent-mode-app mode=(\\w+) port=(\\d+)");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";

  @Test
  void theAgentsServerSpanIsEnrichedAndNoSecondOneIsStarted() throws Exception {
    assertThat(AGENT).as("the build copies the agent to %s (maven-dependency-plugin, pre-integration-test)",
        AGENT.toAbsolutePath()).exists();
    Path log = Files.createTempFile(TestEnvironment.scratchDirectory("agent-mode"), "app", ".log");
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-javaagent:" + AGENT.toAbsolutePath(),
          "-cp", System.getProperty("java.class.path"), AgentModeApp.class.getName()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
      env.put("OTEL_METRICS_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");
      env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
      env.put("OTEL_SERVICE_NAME", "agent-mode-app");
      Process app = builder.start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        Matcher ready = awaitReadyLine(out, log);
        assertThat(ready.group(1)).as("Tracing detects the attached agent").isEqualTo("AGENT");
        int port = Integer.parseInt(ready.group(2));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/journals/42"))
            .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
            .header("X-Request-ID", "agent-mode-request-1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        List<ReceivedSpan> server = receiver.awaitSpans(1,
            s -> s.traceId().equals(TRACE_ID) && s.kind() == SpanKind.SPAN_KIND_SERVER, Duration.ofSeconds(30));
        // Give a second SERVER span (the bug this guards against) time to arrive in the same batch or the next.
        Thread.sleep(500);
        List<ReceivedSpan> allServer = receiver.spans().stream()
            .filter(s -> s.traceId().equals(TRACE_ID) && s.kind() == SpanKind.SPAN_KIND_SERVER).toList();
        assertThat(allServer).as("exactly one SERVER span per request: the agent's").hasSize(1);
        ReceivedSpan span = server.get(0);
        assertThat(span.scopeName()).as("started by the agent's instrumentation").startsWith("io.opentelemetry.");
        assertThat(span.parentSpanId()).as("continues the caller's trace").isEqualTo(PARENT_ID);
        assertThat(span.name()).as("the agent names its span after the filter's route").isEqualTo("GET /journals/{id}");
        assertThat(span.attributes())
            .as("the route template, not the servlet mapping /journals/* the agent would use on its own")
            .containsEntry("http.route", AgentModeApp.ROUTE)
            .containsEntry("englog.correlation_id", "agent-mode-request-1");
        assertThat(response.headers().firstValue("traceresponse"))
            .as("traceresponse names the agent's span")
            .hasValue("00-" + TRACE_ID + "-" + span.spanId() + "-01");
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue("agent-mode-request-1");

        String exposition = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(exposition).as("the latency exemplar comes from the agent's span")
            .containsPattern("englog_http_request_duration_seconds_bucket\\{endpoint=\"/journals/\\{id\\}\"[^}]*\\}"
                + " \\d+ # \\{span_id=\"" + span.spanId() + "\",trace_id=\"" + TRACE_ID + "\"\\}");
      } finally {
        app.getOutputStream().close();
        if (!app.waitFor(20, TimeUnit.SECONDS)) {
          app.destroyForcibly();
        }
      }
    }
  }

  private static Matcher awaitReadyLine(BufferedReader out, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String line;
    while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
      Matcher m = READY.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("the app did not start; its stderr:" + File.separator + Files.readString(log));
  }
}
