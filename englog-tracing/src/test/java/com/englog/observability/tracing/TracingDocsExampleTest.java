package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.DocsSnippets;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/tracing.md, compiled and run: the page's quick start is the {@code
 * docs:start}/{@code docs:end} region below, verbatim but for the lines marked {@code // test only}
 * ({@link DocsSnippets}). The recipes that wire tracing to englog-metrics ("One call site",
 * "Publishing the export counters") need both modules and are checked the same way in
 * architecture-tests' {@code LeafHooksTest}.
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

  private static final Path DOC = Path.of("../docs/tracing.md");
  private static final Path SOURCE =
      Path.of("src/test/java/com/englog/observability/tracing/TracingDocsExampleTest.java");

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
    // docs:start quick-start
    try (Tracing tracing = Tracing.builder()
        .serviceName("englog-api")
        .property("otel.resource.attributes", "service.version=1.4.2,deployment.environment.name=production")
        .databaseServer("db.internal", 5432)
        .configuration(Map.of(), Map.of()).spanExporter(exporter).property("otel.traces.sampler.arg", "1.0") // test only: no OTEL_* of this machine, spans into memory, every trace sampled
        .build()) {
      Traces.setDefault(tracing);

      Journal saved = tracing.traceDbQuery("insert", "journals", () -> repository.insert(entry));
      Summary summary = tracing.traceAiProcessing("summarize", "openai", () -> ai.summarize(saved));

      Traces.traceDbQuery("update", "journals", () -> {
        /* anywhere in the application, without passing the instance */
      });
      assertThat(spans(tracing)).extracting(SpanData::getName).containsExactly("insert journals", "summarize openai", "update journals"); // test only
      return summary; // test only
    }
    // docs:end quick-start
  }

  // docs/tracing.md "Configuration"
  Tracing configured() {
    // docs:start configuration
    return Tracing.builder()
        .serviceName("englog-api")
        .property("otel.exporter.otlp.endpoint", "http://otel-collector:4318")
        .property("otel.bsp.max.queue.size", "4096")
        .configuration(Map.of(), Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "8192")) // test only: the operator's setting wins
        .build();
    // docs:end configuration
  }

  @Test
  void theConfigurationExampleSetsCodeValuesThatTheEnvironmentStillWinsOver() {
    try (Tracing tracing = configured()) {
      assertThat(tracing.toString()).contains("service=englog-api", "http://otel-collector:4318/v1/traces");
      assertThat(tracing.queueCapacity()).isEqualTo(8192);
    }
  }

  @Test
  void quickStart() throws SQLException {
    assertThat(handle(new Entry("today")).text()).isEqualTo("short: today");
  }

  @Test
  void theExamplesOnThePageAreThisTestVerbatim() {
    Map<String, String> regions = DocsSnippets.regions(SOURCE);
    assertThat(regions).containsOnlyKeys("quick-start", "configuration");
    List<String> blocks = DocsSnippets.fencedBlocks(DOC, "java");
    for (String region : regions.keySet()) {
      assertThat(blocks).as("docs/tracing.md shows this example verbatim:\n%s", regions.get(region))
          .contains(regions.get(region));
    }
    // The other java blocks: two regions of architecture-tests' LeafHooksTest (checked there), and four
    // excerpts of TwoServiceTraceIT, JobHandOffTest and TracingExecutorsTest, shortened for reading.
    // A new block must be added here knowingly.
    assertThat(blocks).hasSize(2 + 2 + 4);
  }

  @Test
  void quickStartLetsTheSqlExceptionThrough() {
    assertThatThrownBy(() -> handle(new Entry(""))).isInstanceOf(SQLException.class).hasMessage("empty entry");
  }
}
