package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.DocsSnippets;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
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

  /** A container's request, as an adapter sees it. */
  record Request(String method, String route, Map<String, List<String>> headers) {}

  interface Handler {
    int handle(Request request) throws IOException;
  }

  /** An adapter's getter: repeated header lines through getAll, as a servlet's getHeaders gives them. */
  static final TextMapGetter<Request> REQUEST_HEADERS = new TextMapGetter<>() {
    @Override
    public String get(Request request, String name) {
      List<String> lines = request == null ? null : request.headers().get(name);
      return lines == null || lines.isEmpty() ? null : lines.get(0);
    }

    @Override
    public Iterator<String> getAll(Request request, String name) {
      List<String> lines = request == null ? null : request.headers().get(name);
      return lines == null ? Collections.emptyIterator() : lines.iterator();
    }
  };

  // docs/tracing.md "For adapters: a request's SERVER span"
  @SuppressWarnings("try")
  int serve(Tracing tracing, Request request, Handler handler) throws IOException {
    // docs:start adapter
    Context parent = tracing.extract(Context.current(), request, REQUEST_HEADERS);
    Span span = tracing.startServerSpan(request.method() + " " + request.route(), parent,
        Attributes.of(HttpAttributes.HTTP_REQUEST_METHOD, request.method(), HttpAttributes.HTTP_ROUTE, request.route()));
    try (Scope scope = span.storeInContext(parent).makeCurrent()) {
      int status = handler.handle(request);
      span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) {
        Spans.markFailure(span, Integer.toString(status)); // status ERROR, error.type "503"
      }
      return status;
    } catch (IOException | RuntimeException e) {
      Spans.markFailure(span, e);                         // status ERROR, error.type, exception event
      throw e;
    } finally {
      span.end();                                         // or later, on the thread that completes the request
    }
    // docs:end adapter
  }

  @Test
  void theAdapterExampleContinuesTheCallersTraceAndMarksFailures() throws IOException {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    try (Tracing tracing = Tracing.builder().serviceName("englog-api").configuration(Map.of(), Map.of())
        .spanExporter(exporter).build()) {
      Request request = new Request("GET", "/journals/{id}", Map.of("traceparent", List.of(traceparent)));

      assertThat(serve(tracing, request, r -> 503)).isEqualTo(503);
      assertThatThrownBy(() -> serve(tracing, request, r -> {
        throw new IOException("client went away");
      })).isInstanceOf(IOException.class);

      List<SpanData> spans = spans(tracing);
      assertThat(spans).allSatisfy(s -> {
        assertThat(s.getName()).isEqualTo("GET /journals/{id}");
        assertThat(s.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(s.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      });
      assertThat(spans).extracting(s -> s.getAttributes().get(ErrorAttributes.ERROR_TYPE))
          .containsExactly("503", "java.io.IOException");
    }
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
    assertThat(regions).containsOnlyKeys("quick-start", "configuration", "adapter");
    List<String> blocks = DocsSnippets.fencedBlocks(DOC, "java");
    for (String region : regions.keySet()) {
      assertThat(blocks).as("docs/tracing.md shows this example verbatim:\n%s", regions.get(region))
          .contains(regions.get(region));
    }
    // The other java blocks: two regions of architecture-tests' LeafHooksTest (checked there), and four
    // excerpts of TwoServiceTraceIT, JobHandOffTest and TracingExecutorsTest, shortened for reading, and
    // the graceful-shutdown sketch that ShutdownProbe runs for ShutdownHookIT.
    // A new block must be added here knowingly.
    assertThat(blocks).hasSize(3 + 2 + 4 + 1);
  }

  @Test
  void quickStartLetsTheSqlExceptionThrough() {
    assertThatThrownBy(() -> handle(new Entry(""))).isInstanceOf(SQLException.class).hasMessage("empty entry");
  }
}
