package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingHelpersTest {

  private final InMemoryTracing memory = new InMemoryTracing(b -> b.databaseServer("db.internal", 5432)
      .databaseNamespace("englog"));
  private final Tracing tracing = memory.tracing;

  @AfterEach
  void close() {
    memory.close();
  }

  private static String attr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  @Test
  void traceDbQueryRecordsAClientSpanWithCurrentSemanticConventionNames() {
    String saved = tracing.traceDbQuery("insert", "journals", () -> "row-1");

    assertThat(saved).isEqualTo("row-1");
    SpanData span = memory.span("insert journals");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attr(span, "db.system.name")).isEqualTo("postgresql");
    assertThat(attr(span, "db.operation.name")).isEqualTo("insert");
    assertThat(attr(span, "db.collection.name")).isEqualTo("journals");
    assertThat(attr(span, "db.query.summary")).as("the grouping key, equal to the span name").isEqualTo("insert journals");
    assertThat(attr(span, "db.namespace")).isEqualTo("englog");
    assertThat(span.getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("db.internal");
    assertThat(span.getAttributes().get(ServerAttributes.SERVER_PORT)).isEqualTo(5432L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo(Tracing.INSTRUMENTATION_SCOPE);
  }

  @Test
  void theSpanIsCurrentWhileTheWorkRunsAndAChildOfTheCallersSpan() {
    AtomicReference<SpanContext> inside = new AtomicReference<>();
    tracing.inSpan("handle request", SpanKind.SERVER, Attributes.empty(), () ->
        tracing.traceDbQuery("select", "journals", () -> inside.set(Span.current().getSpanContext())));

    SpanData request = memory.span("handle request");
    SpanData query = memory.span("select journals");
    assertThat(inside.get().getSpanId()).isEqualTo(query.getSpanId());
    assertThat(query.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(query.getTraceId()).isEqualTo(request.getTraceId());
    assertThat(Span.current().getSpanContext().isValid()).as("nothing current after the work").isFalse();
  }

  private String insertFailing(SQLException failure) throws SQLException {
    // Compiles only because the checked type passes through: no catch, no wrapper.
    return tracing.traceDbQuery("insert", "journals", () -> {
      throw failure;
    });
  }

  @Test
  void aCheckedExceptionPassesThroughUnchangedAndMarksTheSpan() {
    SQLException failure = new SQLException("duplicate key", "23505");

    assertThatThrownBy(() -> insertFailing(failure)).isSameAs(failure);

    SpanData span = memory.span("insert journals");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).as("the exception message").isEqualTo("duplicate key");
    assertThat(attr(span, "error.type")).isEqualTo("java.sql.SQLException");
    assertThat(attr(span, "db.response.status_code")).as("the SQLSTATE").isEqualTo("23505");
    EventData event = span.getEvents().get(0);
    assertThat(event.getName()).isEqualTo("exception");
    assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.message"))).isEqualTo("duplicate key");
  }

  @Test
  void aWrappedSqlStateIsFoundAndALongMessageIsCutInTheStatusOnly() {
    RuntimeException wrapped = new IllegalStateException("x".repeat(1000),
        new RuntimeException("data access", new SQLException("connection lost", "08006")));

    assertThatThrownBy(() -> tracing.traceDbQuery("select", "journals", () -> {
      throw wrapped;
    })).isSameAs(wrapped);
    assertThatThrownBy(() -> tracing.traceDbQuery("select", "users", () -> {
      throw new SQLException("no state");
    })).isInstanceOf(SQLException.class);

    SpanData span = memory.span("select journals");
    assertThat(attr(span, "db.response.status_code")).isEqualTo("08006");
    assertThat(attr(span, "error.type")).isEqualTo("java.lang.IllegalStateException");
    assertThat(span.getStatus().getDescription()).hasSize(257).startsWith("xxx").endsWith("x…");
    assertThat(span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.message")))
        .as("the event keeps the whole message").hasSize(1000);
    assertThat(attr(memory.span("select users"), "db.response.status_code")).isNull();
  }

  @Test
  void uncheckedExceptionsAndErrorsPassThroughToo() {
    IllegalStateException runtime = new IllegalStateException("boom");
    AssertionError error = new AssertionError("bad");

    assertThatThrownBy(() -> tracing.traceAiProcessing("summarize", "openai", () -> {
      throw runtime;
    })).isSameAs(runtime);
    assertThatThrownBy(() -> tracing.inSpan("x", SpanKind.INTERNAL, null, () -> {
      throw error;
    })).isSameAs(error);

    assertThat(memory.spans()).allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void voidFormsRunTheWorkInASpan() throws IOException {
    List<String> done = new ArrayList<>();
    tracing.traceDbQuery("delete", "sessions", () -> {
      done.add("deleted");
    });
    tracing.traceAiProcessing("embed", "local", () -> {
      done.add("embedded");
    });
    tracing.inSpan("cleanup", null, null, () -> {
      done.add("cleaned");
    });
    VoidSpanWork<IOException> io = () -> done.add("io");
    tracing.traceDbQuery("copy", "exports", io);

    assertThat(done).containsExactly("deleted", "embedded", "cleaned", "io");
    assertThat(memory.spans()).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("delete sessions", "embed local", "cleanup", "copy exports");
  }

  @Test
  void traceAiProcessingUsesGenAiProviderAndTheTaskType() {
    tracing.traceAiProcessing("summarize", "openai", () -> 42);

    SpanData span = memory.span("summarize openai");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attr(span, "gen_ai.operation.name")).as("required by the GenAI conventions").isEqualTo("chat");
    assertThat(attr(span, "gen_ai.provider.name")).isEqualTo("openai");
    assertThat(attr(span, "englog.ai.task_type")).isEqualTo("summarize");
  }

  @Test
  void theGenAiOperationIsTheTaskTypeWhenItIsOneAndOtherwiseTheInstancesDefault() {
    tracing.traceAiProcessing("embeddings", "openai", () -> 1);
    try (InMemoryTracing gemini = new InMemoryTracing(b -> b.aiOperationName("generate_content"))) {
      gemini.tracing.traceAiProcessing("summarize", "gcp.gemini", () -> 1);
      assertThat(attr(gemini.span("summarize gcp.gemini"), "gen_ai.operation.name")).isEqualTo("generate_content");
    }
    assertThat(attr(memory.span("embeddings openai"), "gen_ai.operation.name")).isEqualTo("embeddings");
  }

  @Test
  void inSpanSetsTheGivenKindAndAttributes() {
    tracing.inSpan("render timeline", SpanKind.INTERNAL,
        Attributes.of(AttributeKey.longKey("englog.entries"), 12L), () -> "html");

    SpanData span = memory.span("render timeline");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.getAttributes().get(AttributeKey.longKey("englog.entries"))).isEqualTo(12L);
  }

  @Test
  void missingNamesFallBackInsteadOfFailingTheCall() {
    tracing.traceDbQuery("vacuum", null, () -> 1);
    tracing.traceDbQuery(null, null, () -> 1);
    tracing.traceAiProcessing(null, "openai", () -> 1);
    tracing.inSpan(null, null, null, () -> 1);

    // Without a table the target is the namespace (the database conventions' order), then address:port.
    assertThat(memory.spans()).extracting(SpanData::getName)
        .containsExactly("vacuum englog", "englog", "openai", "span");
    assertThat(attr(memory.span("vacuum englog"), "db.collection.name")).isNull();
    assertThat(attr(memory.span("vacuum englog"), "db.query.summary")).as("no table, no summary").isNull();
    try (InMemoryTracing noNamespace = new InMemoryTracing(b -> b.databaseServer("db.internal", 5433));
        InMemoryTracing bare = new InMemoryTracing()) {
      noNamespace.tracing.traceDbQuery("vacuum", null, () -> 1);
      bare.tracing.traceDbQuery("vacuum", null, () -> 1);
      bare.tracing.traceDbQuery(null, null, () -> 1);
      assertThat(noNamespace.spans()).extracting(SpanData::getName).containsExactly("vacuum db.internal:5433");
      assertThat(bare.spans()).extracting(SpanData::getName).containsExactly("vacuum", "postgresql");
    }
  }

  @Test
  void nullWorkIsAClearError() {
    assertThatThrownBy(() -> tracing.traceDbQuery("select", "t", (SpanWork<Object, RuntimeException>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("work");
  }

  @Test
  void theListenerHearsDurationAndErrorOfDbAndAiCalls() {
    List<String> heard = new ArrayList<>();
    TracingListener listener = new TracingListener() {
      @Override
      public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
        heard.add("db " + operation + " " + table + " " + (duration.isNegative() ? "neg" : "ok") + " " + error);
      }

      @Override
      public void onAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
        heard.add("ai " + taskType + " " + provider + " " + (error == null ? null : error.getMessage()));
      }
    };
    try (InMemoryTracing withListener = new InMemoryTracing(b -> b.listener(listener))) {
      withListener.tracing.traceDbQuery("select", "journals", () -> 1);
      assertThatThrownBy(() -> withListener.tracing.traceAiProcessing("summarize", "openai", () -> {
        throw new IllegalStateException("rate limited");
      })).hasMessage("rate limited");
      withListener.tracing.inSpan("not told", null, null, () -> 1);
    }
    assertThat(heard).containsExactly("db select journals ok null", "ai summarize openai rate limited");
  }

  @Test
  void theListenerRunsWithTheHelpersSpanStillCurrentSoExemplarsPointAtIt() {
    List<String> current = new ArrayList<>();
    TracingListener listener = new TracingListener() {
      @Override
      public void onAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
        current.add(Span.current().getSpanContext().getSpanId());
      }

      @Override
      public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
        current.add(Span.current().getSpanContext().getSpanId());
      }
    };
    try (InMemoryTracing withListener = new InMemoryTracing(b -> b.listener(listener))) {
      withListener.tracing.inSpan("request", SpanKind.SERVER, null, () -> {
        withListener.tracing.traceAiProcessing("summarize", "openai", () -> 1);
        assertThatThrownBy(() -> withListener.tracing.traceDbQuery("select", "journals", () -> {
          throw new SQLException("down");
        })).isInstanceOf(SQLException.class);
      });

      assertThat(current).containsExactly(withListener.span("summarize openai").getSpanId(),
          withListener.span("select journals").getSpanId());
      assertThat(Span.current().getSpanContext().isValid()).as("and nothing stays current").isFalse();
    }
  }

  @Test
  void aThrowingListenerIsCountedAndNeverBreaksTheCall() {
    TracingListener broken = new TracingListener() {
      @Override
      public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (InMemoryTracing withListener = new InMemoryTracing(b -> b.listener(broken))) {
      assertThat(withListener.tracing.traceDbQuery("select", "journals", () -> "ok")).isEqualTo("ok");
      assertThat(withListener.tracing.listenerFailures()).isEqualTo(1);
    }
  }

  @Test
  void exportedSpansAreCounted() {
    for (int i = 0; i < 5; i++) {
      tracing.traceDbQuery("select", "journals", () -> 1);
    }
    memory.spans();
    assertThat(tracing.exportedSpans()).isEqualTo(5);
    assertThat(tracing.droppedSpans()).isZero();
    assertThat(tracing.failedSpans()).isZero();
    assertThat(tracing.queueCapacity()).isEqualTo(2048); // the SDK batch processor's default
  }

  @Test
  void afterCloseTheWorkStillRunsAndNothingMoreIsExported() {
    tracing.traceDbQuery("select", "journals", () -> 1);
    tracing.close();

    assertThat(tracing.traceDbQuery("select", "journals", () -> "still works")).isEqualTo("still works");

    assertThat(tracing.exportedSpans()).isEqualTo(1);
    assertThat(tracing.droppedSpans()).isZero();
  }

  @Test
  @SuppressWarnings("try")
  void noopRunsTheWorkRecordsNothingAndStillPropagatesTheCallersContext() {
    Tracing noop = Tracing.noop();
    assertThat(noop.mode()).isEqualTo(Tracing.Mode.NOOP);
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    java.util.Map<String, String> outgoing = new java.util.HashMap<>();
    try (var scope = noop.extract(java.util.Map.of("traceparent", traceparent)).makeCurrent()) {
      assertThat(noop.traceDbQuery("select", "journals", () -> "row")).isEqualTo("row");
      noop.traceDbQuery("select", "journals", () -> noop.inject(outgoing));
    }
    assertThat(outgoing.get("traceparent")).isEqualTo(traceparent);
    assertThat(noop.exportedSpans()).isZero();
  }

  @Test
  void noopPassesAJobsContextOnToWhatTheJobCalls() {
    Tracing noop = Tracing.noop();
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    java.util.Map<String, String> downstream = new java.util.HashMap<>();

    noop.traceJob("summarize", java.util.Map.of("traceparent", traceparent), () -> noop.inject(downstream));

    assertThat(downstream).containsEntry("traceparent", traceparent);
  }

  @Test
  void withTracingDisabledTheListenerStillHearsEveryCall() {
    List<String> heard = new ArrayList<>();
    TracingListener listener = new TracingListener() {
      @Override
      public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
        heard.add(operation + " " + table);
      }
    };
    try (Tracing disabled = Tracing.builder().listener(listener)
        .configuration(java.util.Map.of(), java.util.Map.of("OTEL_SDK_DISABLED", "true")).build()) {
      assertThat(disabled.traceDbQuery("select", "journals", () -> 3)).isEqualTo(3);
    }
    assertThat(heard).containsExactly("select journals");
  }
}
