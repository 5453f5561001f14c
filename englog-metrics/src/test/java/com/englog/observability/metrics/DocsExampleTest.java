package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.FreePort;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/metrics.md, compiled and run ({@link MetricsDocTest} keeps them identical). */
class DocsExampleTest {

  @TempDir Path secrets;

  @Test
  void theDocumentedSetupServesMetricsToPrometheus() throws Exception {
    Path tokenFile = secrets.resolve("metrics-token");
    Files.writeString(tokenFile, "change-me");
    String userId = "user-42";
    int metricsPort = FreePort.next();
    // docs:start docs-example
    EnglogMetrics metrics = EnglogMetrics.builder()
        .declareLabelValues("entry_type", "text", "voice")   // exposed at 0 from the first scrape
        .declareLabelValues("endpoint", "/api/v1/journals", "/api/v1/journals/{id}")
        .declareLabelValues("method", "GET", "POST")
        .build();
    Metrics.setDefault(metrics);                              // optional: the static facade

    // Anywhere in the service:
    Metrics.recordJournalCreated(userId, "text");             // user_id is not a label by default
    metrics.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, Duration.ofMillis(12));
    metrics.recordAiProcessing("summarize", "openai", Duration.ofSeconds(4), new TimeoutException());
    metrics.recordCacheHit("redis", "journal:*");

    // Your own metric, with the same naming rules and cardinality guard:
    CustomCounter exports = metrics.counter("englog_exports")
        .help("Journal exports, by format.")
        .labelNames("format")
        .register();
    exports.increment("pdf");

    // /metrics for Prometheus, behind a bearer token (Prometheus: authorization.credentials_file):
    MetricsHttpServer server = MetricsHttpServer.builder(metrics.scrapeHandler())
        .port(metricsPort)                                    // e.g. 9464
        .bearerTokenFile(tokenFile)
        .start();
    // docs:end docs-example
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpRequest.Builder scrape = HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(30));
      HttpResponse<String> anonymous = http.send(scrape.build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> prometheus = http.send(
          scrape.header("Authorization", "Bearer change-me").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(prometheus.statusCode()).isEqualTo(200);
      String body = prometheus.body();
      assertThat(body)
          .contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0")
          .contains("englog_business_journals_created_total{entry_type=\"voice\"} 0.0")
          .contains("englog_ai_processing_errors_total{error_type=\"timeout\",provider=\"openai\","
              + "task_type=\"summarize\"} 1.0")
          .contains("englog_exports_total{format=\"pdf\"} 1.0");
      assertThat(server.port()).isEqualTo(metricsPort);
    } finally {
      server.close();
      metrics.close();
      Metrics.reset();
    }
  }
}
