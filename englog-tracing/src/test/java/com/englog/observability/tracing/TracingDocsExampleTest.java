package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The examples of docs/tracing.md, compiled and run. Keep the two in step. */
class TracingDocsExampleTest {

  record Entry(String text) {}

  record Journal(long id, String text) {}

  record Summary(String text) {}

  /** A repository whose insert throws a checked exception, like JDBC code does. */
  static final class JournalRepository {
    Journal insert(Entry entry) throws SQLException {
      if (entry.text().isEmpty()) {
        throw new SQLException("empty entry", "23514");
      }
      return new Journal(42, entry.text());
    }
  }

  static final class AiClient {
    Summary summarize(Journal journal) {
      return new Summary("short: " + journal.text());
    }
  }

  /** Stands in for englog-metrics' facade, same signatures, so the recipe compiles here without it. */
  static final class Metrics {
    static final List<String> recorded = new ArrayList<>();

    static void recordAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
      recorded.add("ai " + taskType + " " + provider + " " + !duration.isNegative() + " " + error);
    }

    static void recordDatabaseQuery(String operation, String table, Duration duration) {
      recorded.add("db " + operation + " " + table + " " + !duration.isNegative());
    }
  }

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final JournalRepository repository = new JournalRepository();
  private final AiClient ai = new AiClient();

  @AfterEach
  void reset() {
    Traces.resetForTest();
    Metrics.recorded.clear();
  }

  private List<SpanData> spans(Tracing tracing) {
    tracing.forceFlush(Duration.ofSeconds(30));
    return exporter.getFinishedSpanItems();
  }

  // docs/tracing.md "Quick start"
  Summary handle(Entry entry) throws SQLException {
    try (Tracing tracing = Tracing.builder()
        .serviceName("englog-api")
        .serviceVersion("1.4.2")
        .deploymentEnvironment("production")
        .databaseServer("db.internal", 5432)
        // test only: no OTEL_* from this machine, spans into memory, every trace sampled
        .configuration(Map.of(), Map.of()).spanExporter(exporter).sampleRatio(1.0).registerShutdownHook(false)
        .build()) {
      Traces.setDefault(tracing);

      Journal saved = tracing.traceDbQuery("insert", "journals", () -> repository.insert(entry));
      Summary summary = tracing.traceAiProcessing("summarize", "openai", () -> ai.summarize(saved));

      Traces.traceDbQuery("update", "journals", () -> {
        /* anywhere in the application, without passing the instance */
      });
      assertThat(spans(tracing)).extracting(SpanData::getName)
          .containsExactly("insert journals", "summarize openai", "update journals");
      return summary;
    }
  }

  @Test
  void quickStart() throws SQLException {
    assertThat(handle(new Entry("today")).text()).isEqualTo("short: today");
  }

  @Test
  void quickStartLetsTheSqlExceptionThrough() {
    assertThatThrownBy(() -> handle(new Entry(""))).isInstanceOf(SQLException.class).hasMessage("empty entry");
  }

  @Test
  void oneCallSiteForSpanAndMetric() {
    // docs/tracing.md "One call site, span and metric"
    Tracing tracing = Tracing.builder()
        .serviceName("englog-worker")
        .listener(new TracingListener() {
          @Override
          public void onAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
            Metrics.recordAiProcessing(taskType, provider, duration, error);
          }

          @Override
          public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
            Metrics.recordDatabaseQuery(operation, table, duration);
          }
        })
        .configuration(Map.of(), Map.of()).spanExporter(exporter).registerShutdownHook(false) // test only
        .build();
    try (tracing) {
      Summary summary = tracing.traceAiProcessing("summarize", "openai", () -> ai.summarize(new Journal(1, "x")));
      assertThat(summary.text()).isEqualTo("short: x");
      assertThatThrownBy(() -> tracing.traceAiProcessing("summarize", "anthropic", () -> {
        throw new IllegalStateException("429");
      })).hasMessage("429");

      assertThat(Metrics.recorded).containsExactly(
          "ai summarize openai true null",
          "ai summarize anthropic true java.lang.IllegalStateException: 429");
      assertThat(spans(tracing)).extracting(SpanData::getName)
          .containsExactly("summarize openai", "summarize anthropic");
    }
  }
}
