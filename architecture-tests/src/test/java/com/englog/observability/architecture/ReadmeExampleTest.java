package com.englog.observability.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HttpHealthIndicator;
import com.englog.observability.health.RedisHealthIndicator;
import com.englog.observability.health.Status;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.testsupport.DocsSnippets;
import com.englog.observability.testsupport.FreePort;
import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.TestEnvironment;
import com.englog.observability.tracing.Tracing;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "In a service" snippet is this test's code, verbatim: it compiles against the real
 * modules and does what the README says.
 */
class ReadmeExampleTest {

  private static final Path SOURCE = Path.of(
      "src/test/java/com/englog/observability/architecture/ReadmeExampleTest.java");

  @Test
  void readmeSnippetRunsAsDocumented() throws Exception {
    String userId = "u-42";
    String entry = "Walked the dog.";
    int redisPort = FreePort.next(); // nothing listens: Redis is down in this test
    try (HttpRecorder ai = HttpRecorder.start().respondWith(200, "ok")) {
      URI aiHealthUri = ai.uri("/health");

      // docs:start readme
      // Metrics: no setup needed; names, labels and buckets are what the dashboards and alerts query.
      Metrics.recordJournalCreated(userId, "daily");
      Metrics.recordHttpRequest("POST", "/api/v1/journals/{id}", 201, Duration.ofMillis(42));

      // Tracing: one bootstrap per service (OTEL_* variables still win); checked exceptions pass through.
      Tracing tracing = Tracing.builder().serviceName("englog-api").build();
      long id = tracing.traceDbQuery("insert", "journals", () -> insertJournal(entry));

      // Health: concurrent checks with deadlines; an optional dependency only degrades the service.
      HealthRegistry health = HealthRegistry.builder()
          .add("redis", RedisHealthIndicator.of("127.0.0.1", redisPort))
          .add("ai", HttpHealthIndicator.of(aiHealthUri), o -> o.nonCritical())
          .build();
      // docs:end readme

      try (tracing; health) {
        assertThat(id).isEqualTo(entry.length());
        assertThatThrownBy(() -> tracing.traceDbQuery("insert", "journals", () -> insertJournal("")))
            .isInstanceOf(SQLException.class);
        String exposition = Metrics.get().scrapeHandler().handle("text/plain").bodyText();
        assertThat(exposition)
            .contains("englog_business_journals_created_total{entry_type=\"daily\"} 1.0")
            .doesNotContain(userId)
            .contains("englog_http_requests_total{endpoint=\"/api/v1/journals/{id}\",method=\"POST\","
                + "status_code=\"201\"} 1.0");
        assertThat(health.check().component("ai").orElseThrow().status()).isEqualTo(Status.UP);
        assertThat(health.status()).as("Redis is critical and down").isEqualTo(Status.DOWN);
      }
    }
  }

  @Test
  void readmeShowsExactlyThisTestsSnippet() {
    String snippet = DocsSnippets.regions(SOURCE).get("readme");
    assertThat(snippet).as("this test marks its snippet with docs:start readme / docs:end readme").isNotNull();
    assertThat(DocsSnippets.fencedBlocks(TestEnvironment.repositoryRoot().resolve("README.md"), "java"))
        .as("README.md must show the snippet between docs:start readme and docs:end readme").contains(snippet);
  }

  @Test
  void readmeLogbackSnippetWritesJsonLines() throws Exception {
    String readme = Files.readString(TestEnvironment.repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8);
    Matcher xml = Pattern.compile("```xml\\n(<appender name=\"STDOUT\".*?</appender>)\\n```", Pattern.DOTALL)
        .matcher(readme);
    assertThat(xml.find()).as("README shows the logback appender").isTrue();
    String configuration = "<configuration>" + xml.group(1)
        + "<root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root></configuration>";

    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's logback provider does at startup
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(new ByteArrayInputStream(configuration.getBytes(StandardCharsets.UTF_8)));
      context.getLogger("readme").info("user logged in with password=hunter2");
    } finally {
      context.stop();
      System.setOut(originalOut);
    }

    // Other threads of this JVM (an exporter of an earlier test giving up, say) may print to System.out
    // while it is captured; the snippet's line is the one JSON line of logger "readme".
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("{") && l.contains("\"readme\"")).toList();
    assertThat(lines).as("one JSON line from the README's appender in:%n%s", captured).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(lines.get(0));
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("logger").asText()).isEqualTo("readme");
    assertThat(json.path("message").asText()).contains("password=").doesNotContain("hunter2");
  }

  private static long insertJournal(String entry) throws SQLException {
    if (entry.isEmpty()) {
      throw new SQLException("empty entry", "23514");
    }
    return entry.length();
  }
}
