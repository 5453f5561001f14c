package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/tracing.md, compiled and run. Keep the two in step. The recipes that wire
 * tracing to englog-metrics ("One call site", "Publishing the export counters") need both modules
 * and run in architecture-tests' {@code LeafHooksTest}.
 */
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

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final JournalRepository repository = new JournalRepository();
  private final AiClient ai = new AiClient();

  @AfterEach
  void reset() {
    Traces.resetForTest();
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
}
