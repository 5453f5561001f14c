package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.FreePort;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker as the demo starts it: no OTLP endpoint and no metrics token file. Spans are not
 * exported (and no export failure is logged), yet trace ids are in the log lines and the exemplars;
 * the generated token is private to the user and opens {@code /metrics}.
 */
class WorkerWithoutCollectorIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void traceIdsReachLogsAndExemplarsWithoutExportingSpans() throws Exception {
    Path tmp = Files.createDirectories(Path.of("target", "it", "no-collector", "tmp")).toAbsolutePath();
    String traceId = "6bf92f3577b34da6a3ce929d0e0e4738";
    try (AiProviderStandIn ai = AiProviderStandIn.start();
        WorkerProcess worker = WorkerProcess.start("no-collector", FreePort.next(), Map.of(
            "ENGLOG_EXAMPLE_AI_URL", ai.url(),
            "TMPDIR", tmp.toString()))) {
      assertThat(Files.getPosixFilePermissions(worker.tokenFile()))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(worker.lines()).anyMatch(l -> l.contains("\"metrics_token_file\":\"" + worker.tokenFile() + " (generated)\""));

      HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(worker.baseUri() + "/jobs"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"journalId\":\"j-demo\",\"text\":\"Cooked dinner.\","
              + "\"trace\":{\"traceparent\":\"00-" + traceId + "-20f067aa0ba902b9-01\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).isEqualTo(202);

      String line = worker.awaitLine(l -> l.contains("\"message\":\"business_event\""), Duration.ofSeconds(15));
      assertThat(JSON.readTree(line).path("trace_id").asText()).isEqualTo(traceId);
      String scrape = HTTP.send(HttpRequest.newBuilder(URI.create(worker.baseUri() + "/metrics"))
          .header("Authorization", "Bearer " + worker.token())
          .header("Accept", "application/openmetrics-text; version=1.0.0")
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape.lines().filter(l -> l.startsWith("englog_ai_processing_duration_seconds_bucket")
          && l.contains("trace_id=\"" + traceId + "\""))).isNotEmpty();

      worker.sigterm();
      assertThat(worker.awaitExit(Duration.ofSeconds(15))).isZero();
      assertThat(worker.lines())
          .anyMatch(l -> l.contains("EngLog tracing started") && l.contains("exporter=none"))
          .noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).contains("export") && l.contains("\"level\":\"WARN\""))
          .noneMatch(l -> l.contains("Failed to export"));
    }
  }
}
