package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.SpanAttributes;
import com.englog.observability.tracing.SpanWork;
import com.englog.observability.tracing.TracingListener;
import com.englog.observability.tracing.VoidSpanWork;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The span helpers of a {@code Tracing}: which span each helper starts (name, kind, attributes),
 * running the work with that span current, recording a failure, and telling the {@link
 * TracingListener}. Stable attribute keys come from OpenTelemetry's semantic conventions artifact;
 * the incubating ones (GenAI, messaging) are {@link SpanAttributes}' constants.
 *
 * <p>Not public API.
 */
public final class SpanHelpers {

  /** What a helper's span stands for: which listener method, if any, hears about it. */
  enum Kind {
    /** {@code traceDbQuery}: {@link TracingListener#onDbQuery}. */
    DB_QUERY,
    /** {@code traceAiProcessing}: {@link TracingListener#onAiProcessing}. */
    AI_PROCESSING,
    /** Every other helper: no listener call. */
    OTHER
  }

  private static final System.Logger LOG = System.getLogger(SpanHelpers.class.getName());
  /** Its spans carry their parent's span context and record nothing. */
  private static final Tracer NOOP_TRACER = TracerProvider.noop().get("englog");

  private static final AttributeKey<String> DB_SYSTEM = DbAttributes.DB_SYSTEM_NAME;
  private static final AttributeKey<String> DB_OPERATION = DbAttributes.DB_OPERATION_NAME;
  private static final AttributeKey<String> DB_COLLECTION = DbAttributes.DB_COLLECTION_NAME;
  private static final AttributeKey<String> DB_NAMESPACE = DbAttributes.DB_NAMESPACE;
  private static final AttributeKey<String> DB_QUERY_SUMMARY = DbAttributes.DB_QUERY_SUMMARY;
  private static final AttributeKey<String> DB_STATUS_CODE = DbAttributes.DB_RESPONSE_STATUS_CODE;
  private static final AttributeKey<String> SERVER_ADDRESS = ServerAttributes.SERVER_ADDRESS;
  private static final AttributeKey<Long> SERVER_PORT = ServerAttributes.SERVER_PORT;
  private static final AttributeKey<String> ERROR_TYPE = ErrorAttributes.ERROR_TYPE;
  private static final AttributeKey<String> AI_OPERATION = AttributeKey.stringKey(SpanAttributes.GEN_AI_OPERATION_NAME);
  private static final AttributeKey<String> AI_PROVIDER = AttributeKey.stringKey(SpanAttributes.GEN_AI_PROVIDER_NAME);
  private static final AttributeKey<String> AI_TASK = AttributeKey.stringKey(SpanAttributes.ENGLOG_AI_TASK_TYPE);
  private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey(SpanAttributes.MESSAGING_SYSTEM);
  private static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey(SpanAttributes.MESSAGING_DESTINATION_NAME);
  private static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey(SpanAttributes.MESSAGING_OPERATION_TYPE);
  private static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey(SpanAttributes.MESSAGING_OPERATION_NAME);

  /** GenAI's well-known {@code gen_ai.operation.name} values: a task type spelled like one is used as is. */
  public static final Set<String> GEN_AI_OPERATIONS = Set.of("chat", "generate_content", "text_completion",
      "embeddings", "retrieval", "execute_tool", "create_agent", "invoke_agent");
  /** The span status description carries the exception message, cut to this length (the event has all of it). */
  private static final int MAX_STATUS_DESCRIPTION = 256;
  private static final String SEND = "send";
  private static final String PROCESS = "process";

  /** The database, AI and messaging values every span of one instance carries. */
  public static final class Defaults {
    final String databaseSystem;
    final String databaseServerAddress;
    final int databaseServerPort;
    final String databaseNamespace;
    final String messagingSystem;
    final String aiOperationName;

    public Defaults(String databaseSystem, String databaseServerAddress, int databaseServerPort,
        String databaseNamespace, String messagingSystem, String aiOperationName) {
      this.databaseSystem = databaseSystem;
      this.databaseServerAddress = databaseServerAddress;
      this.databaseServerPort = databaseServerPort;
      this.databaseNamespace = databaseNamespace;
      this.messagingSystem = messagingSystem;
      this.aiOperationName = aiOperationName;
    }
  }

  /** False for NOOP and DISABLED: helpers then run the work without building spans at all. */
  private final boolean recording;
  private final Tracer tracer;
  private final SafePropagator propagator;
  private final String databaseSystem;
  private final String databaseServerAddress;
  private final Long databaseServerPort;
  private final String databaseNamespace;
  /** The span name's target when a query names no table: namespace, else {@code address:port}, else null. */
  private final String databaseTarget;
  private final String aiOperationName;
  private final String messagingSystem;
  private final TracingListener listener;
  private final boolean notifyListener;
  private final SpanNames names = new SpanNames();
  private final LongAdder listenerFailures = new LongAdder();
  private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();

  public SpanHelpers(Tracer tracer, SafePropagator propagator, boolean recording, Defaults d,
      TracingListener listener) {
    this.recording = recording;
    this.tracer = tracer;
    this.propagator = propagator;
    this.databaseSystem = d.databaseSystem;
    this.databaseServerAddress = d.databaseServerAddress;
    this.databaseServerPort = d.databaseServerPort > 0 ? Long.valueOf(d.databaseServerPort) : null;
    this.databaseNamespace = d.databaseNamespace;
    this.databaseTarget = d.databaseNamespace != null ? d.databaseNamespace
        : d.databaseServerAddress != null ? d.databaseServerAddress + ":" + d.databaseServerPort : null;
    this.aiOperationName = d.aiOperationName;
    this.messagingSystem = d.messagingSystem;
    this.listener = listener;
    this.notifyListener = listener != TracingListener.NONE;
  }

  /** Times the listener threw. */
  public long listenerFailures() {
    return listenerFailures.sum();
  }

  public <T, E extends Throwable> T traceDbQuery(String operation, String table, SpanWork<T, E> work) throws E {
    Objects.requireNonNull(work, "work");
    return call(dbSpan(operation, table), null, work, Kind.DB_QUERY, operation, table);
  }

  public <E extends Throwable> void traceDbQuery(String operation, String table, VoidSpanWork<E> work) throws E {
    Objects.requireNonNull(work, "work");
    run(dbSpan(operation, table), null, work, Kind.DB_QUERY, operation, table);
  }

  public <T, E extends Throwable> T traceAiProcessing(String taskType, String provider, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    return call(aiSpan(taskType, provider), null, work, Kind.AI_PROCESSING, taskType, provider);
  }

  public <E extends Throwable> void traceAiProcessing(String taskType, String provider, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    run(aiSpan(taskType, provider), null, work, Kind.AI_PROCESSING, taskType, provider);
  }

  public <T, E extends Throwable> T inSpan(String name, SpanKind kind, Attributes attributes, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    return call(span(name, kind, attributes), null, work, Kind.OTHER, null, null);
  }

  public <E extends Throwable> void inSpan(String name, SpanKind kind, Attributes attributes, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    run(span(name, kind, attributes), null, work, Kind.OTHER, null, null);
  }

  public <T, E extends Throwable> T traceEnqueue(String jobType, Map<String, String> carrier, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    return call(sendSpan(jobType, carrier), null, work, Kind.OTHER, null, null);
  }

  public <E extends Throwable> void traceEnqueue(String jobType, Map<String, String> carrier, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    run(sendSpan(jobType, carrier), null, work, Kind.OTHER, null, null);
  }

  public <T, E extends Throwable> T traceJob(String jobType, Map<String, String> carrier, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    Context parent = jobContext(carrier);
    return call(processSpan(jobType, parent), parent, work, Kind.OTHER, null, null);
  }

  public <E extends Throwable> void traceJob(String jobType, Map<String, String> carrier, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    Context parent = jobContext(carrier);
    run(processSpan(jobType, parent), parent, work, Kind.OTHER, null, null);
  }

  private Span dbSpan(String operation, String table) {
    if (!recording) {
      return null;
    }
    String target = table != null ? table : databaseTarget;
    String name;
    if (operation != null) {
      name = target != null ? names.name(operation, target) : operation;
    } else {
      name = target != null ? target : databaseSystem;
    }
    SpanBuilder builder = tracer.spanBuilder(name)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(DB_SYSTEM, databaseSystem);
    if (operation != null) {
      builder.setAttribute(DB_OPERATION, operation);
    }
    if (table != null) {
      builder.setAttribute(DB_COLLECTION, table);
      if (operation != null) {
        builder.setAttribute(DB_QUERY_SUMMARY, name);
      }
    }
    if (databaseNamespace != null) {
      builder.setAttribute(DB_NAMESPACE, databaseNamespace);
    }
    if (databaseServerAddress != null) {
      builder.setAttribute(SERVER_ADDRESS, databaseServerAddress);
      builder.setAttribute(SERVER_PORT, databaseServerPort);
    }
    return builder.startSpan();
  }

  private Span aiSpan(String taskType, String provider) {
    if (!recording) {
      return null;
    }
    String name;
    if (taskType != null && provider != null) {
      name = names.name(taskType, provider);
    } else {
      name = taskType != null ? taskType : provider != null ? provider : "ai";
    }
    SpanBuilder builder = tracer.spanBuilder(name)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(AI_OPERATION,
            taskType != null && GEN_AI_OPERATIONS.contains(taskType) ? taskType : aiOperationName);
    if (provider != null) {
      builder.setAttribute(AI_PROVIDER, provider);
    }
    if (taskType != null) {
      builder.setAttribute(AI_TASK, taskType);
    }
    return builder.startSpan();
  }

  private Span span(String name, SpanKind kind, Attributes attributes) {
    if (!recording) {
      return null;
    }
    SpanBuilder builder = tracer.spanBuilder(name == null ? "span" : name)
        .setSpanKind(kind == null ? SpanKind.INTERNAL : kind);
    if (attributes != null) {
      builder.setAllAttributes(attributes);
    }
    return builder.startSpan();
  }

  /** The PRODUCER span (null when not recording), its context already written into {@code carrier}. */
  private Span sendSpan(String jobType, Map<String, String> carrier) {
    Span span = recording ? messagingSpan(SEND, jobType, SpanKind.PRODUCER).startSpan() : null;
    propagator.inject(span == null ? Context.current() : Context.current().with(span), carrier, Carriers.MAP_SETTER);
    return span;
  }

  /** What is current, with the carrier's trace context and baggage (when valid) on top. */
  private Context jobContext(Map<String, String> carrier) {
    return propagator.extract(Context.current(), carrier, Carriers.MAP_GETTER);
  }

  private Span processSpan(String jobType, Context parent) {
    if (!recording) {
      return null;
    }
    SpanBuilder builder = messagingSpan(PROCESS, jobType, SpanKind.CONSUMER).setParent(parent);
    SpanContext creation = Span.fromContext(parent).getSpanContext();
    SpanContext ambient = Span.current().getSpanContext();
    // Identity: jobContext returns what is current, unchanged, unless the carrier named a context.
    if (creation != ambient && creation.isValid()) {
      builder.addLink(creation);
      if (ambient.isValid()) {
        // The job runs inside a span of the worker's own: keep that correlation as a link.
        builder.addLink(ambient);
      }
    }
    return builder.startSpan();
  }

  private SpanBuilder messagingSpan(String operation, String jobType, SpanKind kind) {
    String destination = jobType == null ? "job" : jobType;
    return tracer.spanBuilder(names.name(operation, destination))
        .setSpanKind(kind)
        .setAttribute(MESSAGING_SYSTEM, messagingSystem)
        .setAttribute(MESSAGING_DESTINATION, destination)
        .setAttribute(MESSAGING_OPERATION_NAME, operation)
        .setAttribute(MESSAGING_OPERATION_TYPE, operation);
  }

  // call and run differ only in how the work is invoked; everything around it lives in finish(),
  // which runs while the span is still current: a metric the listener records gets an exemplar
  // pointing at this span, not at its parent.
  @SuppressWarnings("try") // the scope is closed, never read
  private <T, E extends Throwable> T call(Span span, Context context, SpanWork<T, E> work, Kind kind, String a,
      String b) throws E {
    long start = startNanos(kind);
    Throwable failure = null;
    try (Scope ignored = scope(span, context)) {
      try {
        return work.run();
      } catch (Throwable t) {
        failure = t;
        throw t;
      } finally {
        finish(span, kind, a, b, start, failure);
      }
    }
  }

  @SuppressWarnings("try")
  private <E extends Throwable> void run(Span span, Context context, VoidSpanWork<E> work, Kind kind, String a,
      String b) throws E {
    long start = startNanos(kind);
    Throwable failure = null;
    try (Scope ignored = scope(span, context)) {
      try {
        work.run();
      } catch (Throwable t) {
        failure = t;
        throw t;
      } finally {
        finish(span, kind, a, b, start, failure);
      }
    }
  }

  private boolean timed(Kind kind) {
    return notifyListener && kind != Kind.OTHER;
  }

  private long startNanos(Kind kind) {
    return timed(kind) ? System.nanoTime() : 0L;
  }

  /** Ends the span (marking a failure first) and tells the listener, the span still current. */
  private void finish(Span span, Kind kind, String a, String b, long start, Throwable failure) {
    if (span != null) {
      if (failure != null) {
        recordFailure(span, kind, failure);
      }
      span.end();
    }
    if (timed(kind)) {
      tell(kind, a, b, start, failure);
    }
  }

  /** The span (null when not recording) current, on top of {@code context} when given. */
  private static Scope scope(Span span, Context context) {
    if (span == null) {
      return context == null ? Scope.noop() : context.makeCurrent();
    }
    return context == null ? span.makeCurrent() : context.with(span).makeCurrent();
  }

  private static void recordFailure(Span span, Kind kind, Throwable t) {
    if (!span.isRecording()) {
      return;
    }
    markFailure(span, t);
    if (kind == Kind.DB_QUERY) {
      try {
        String sqlState = SqlStates.of(t);
        if (sqlState != null) {
          span.setAttribute(DB_STATUS_CODE, sqlState);
        }
      } catch (RuntimeException e) {
        // The work's own exception is what the caller must see.
      }
    }
  }

  /**
   * Marks {@code span} failed by {@code t}: status ERROR described by the exception's message (cut
   * to 256 characters), {@code error.type} its class name, and the exception event. Never throws.
   */
  public static void markFailure(Span span, Throwable t) {
    if (!span.isRecording()) {
      return;
    }
    try {
      String message = t.getMessage();
      if (message == null) {
        span.setStatus(StatusCode.ERROR);
      } else {
        span.setStatus(StatusCode.ERROR, message.length() <= MAX_STATUS_DESCRIPTION ? message
            : message.substring(0, MAX_STATUS_DESCRIPTION) + "…");
      }
      span.setAttribute(ERROR_TYPE, t.getClass().getName());
      span.recordException(t);
    } catch (RuntimeException e) {
      // The work's own exception is what the caller must see.
    }
  }

  /** Marks {@code span} failed without an exception: status ERROR and {@code error.type}. Never throws. */
  public static void markFailure(Span span, String errorType) {
    if (!span.isRecording()) {
      return;
    }
    try {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ERROR_TYPE, errorType);
    } catch (RuntimeException e) {
      // A span implementation that throws must not fail the caller.
    }
  }

  /**
   * A {@code SERVER} span started now under {@code parent} with {@code attributes} (seen by the
   * sampler), not made current, ended by the caller; when not recording, a non-recording span
   * carrying the parent's span context, so propagation still continues the caller's trace.
   */
  public Span startServerSpan(String name, Context parent, Attributes attributes) {
    SpanBuilder builder = serverSpanBuilder(name, parent);
    if (attributes != null) {
      builder.setAllAttributes(attributes);
    }
    return builder.startSpan();
  }

  /**
   * A builder of the {@code SERVER} span {@link #startServerSpan} starts, for callers that set the
   * start attributes one by one (no {@link Attributes} to build and sort per request); when not
   * recording, the no-op builder, whose span carries the parent's span context.
   */
  public SpanBuilder serverSpanBuilder(String name, Context parent) {
    Objects.requireNonNull(name, "spanName");
    Objects.requireNonNull(parent, "parent");
    Tracer t = recording ? tracer : NOOP_TRACER;
    return t.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(parent);
  }

  private void tell(Kind kind, String a, String b, long start, Throwable failure) {
    try {
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      if (kind == Kind.DB_QUERY) {
        listener.onDbQuery(a, b, duration, failure);
      } else {
        listener.onAiProcessing(a, b, duration, failure);
      }
    } catch (RuntimeException e) {
      listenerFailures.increment();
      if (listenerFailureLogged.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "TracingListener threw; it must not (counted in listenerFailures())", e);
      }
    }
  }
}
