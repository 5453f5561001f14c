package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.Carriers;
import com.englog.observability.tracing.internal.ConfigSource;
import com.englog.observability.tracing.internal.ExportStats;
import com.englog.observability.tracing.internal.Pipeline;
import com.englog.observability.tracing.internal.PropagatorFactory;
import com.englog.observability.tracing.internal.SafePropagator;
import com.englog.observability.tracing.internal.SdkFactory;
import com.englog.observability.tracing.internal.SdkSettings;
import com.englog.observability.tracing.internal.SpanNames;
import com.englog.observability.tracing.internal.SqlStates;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Tracing for one EngLog service: an OpenTelemetry SDK exporting OTLP, the span helpers EngLog code
 * calls, propagation across HTTP calls and job queues, and counters for what was lost on the way.
 * Build one per service at startup and pass it where it is needed (two services in one test JVM
 * each have their own). {@link Traces} is a static facade over a default instance for code that
 * cannot be handed one.
 *
 * <pre>{@code
 * try (Tracing tracing = Tracing.builder().serviceName("englog-api").build()) {
 *   Journal saved = tracing.traceDbQuery("insert", "journals", () -> repo.insert(entry)); // SQLException passes through
 *   Summary summary = tracing.traceAiProcessing("summarize", "openai", () -> ai.summarize(saved));
 * }
 * }</pre>
 *
 * <p>Every helper starts a child of the current span, makes it current while the work runs on the
 * caller's thread, records an exception (event, {@code error.type}, status ERROR) and rethrows it
 * unchanged, and ends the span. The work's checked exception type passes through ({@link SpanWork}).
 *
 * <p>Thread-safe. When the OpenTelemetry Java agent is attached, {@link TracingBuilder#build()}
 * reuses the agent's SDK instead of installing a second one ({@link Mode#AGENT}).
 */
public final class Tracing implements AutoCloseable {

  /** Where this instance's OpenTelemetry comes from. */
  public enum Mode {
    /** An SDK built and owned by this instance. */
    SDK,
    /** The OpenTelemetry Java agent's SDK, found attached to the JVM. */
    AGENT,
    /** An {@code OpenTelemetry} the application passed in. */
    EXTERNAL,
    /** {@code OTEL_SDK_DISABLED=true}: no spans recorded; incoming trace context still passes through. */
    DISABLED,
    /** {@link Tracing#noop()}: no spans recorded; W3C trace context still passes through. */
    NOOP
  }

  /** The instrumentation scope of the helpers' spans. */
  public static final String INSTRUMENTATION_SCOPE = "com.englog.observability.tracing";

  private static final System.Logger LOG = System.getLogger(Tracing.class.getName());

  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey(SpanAttributes.DB_SYSTEM_NAME);
  private static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey(SpanAttributes.DB_OPERATION_NAME);
  private static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey(SpanAttributes.DB_COLLECTION_NAME);
  private static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey(SpanAttributes.DB_NAMESPACE);
  private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey(SpanAttributes.SERVER_ADDRESS);
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey(SpanAttributes.SERVER_PORT);
  private static final AttributeKey<String> DB_QUERY_SUMMARY = AttributeKey.stringKey(SpanAttributes.DB_QUERY_SUMMARY);
  private static final AttributeKey<String> DB_STATUS_CODE =
      AttributeKey.stringKey(SpanAttributes.DB_RESPONSE_STATUS_CODE);
  private static final AttributeKey<String> AI_OPERATION = AttributeKey.stringKey(SpanAttributes.GEN_AI_OPERATION_NAME);
  private static final AttributeKey<String> AI_PROVIDER = AttributeKey.stringKey(SpanAttributes.GEN_AI_PROVIDER_NAME);
  private static final AttributeKey<String> AI_TASK = AttributeKey.stringKey(SpanAttributes.ENGLOG_AI_TASK_TYPE);
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey(SpanAttributes.ERROR_TYPE);
  private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey(SpanAttributes.MESSAGING_SYSTEM);
  private static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey(SpanAttributes.MESSAGING_DESTINATION_NAME);
  private static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey(SpanAttributes.MESSAGING_OPERATION_TYPE);
  private static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey(SpanAttributes.MESSAGING_OPERATION_NAME);

  /** GenAI's well-known {@code gen_ai.operation.name} values: a task type spelled like one is used as is. */
  private static final Set<String> GEN_AI_OPERATIONS = Set.of("chat", "generate_content", "text_completion",
      "embeddings", "retrieval", "execute_tool", "create_agent", "invoke_agent");
  /** The span status description carries the exception message, cut to this length (the event has all of it). */
  private static final int MAX_STATUS_DESCRIPTION = 256;
  private static final String SEND = "send";
  private static final String PROCESS = "process";

  private static final int KIND_OTHER = 0;
  private static final int KIND_DB = 1;
  private static final int KIND_AI = 2;

  private final Mode mode;
  /** False for NOOP and DISABLED: helpers then run the work without building spans at all. */
  private final boolean recording;
  private final Pipeline pipeline;
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
  private final Duration shutdownTimeout;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Tracing(Mode mode, Pipeline pipeline, TracingBuilder b, boolean hook) {
    this.mode = mode;
    this.recording = mode != Mode.NOOP && mode != Mode.DISABLED;
    this.pipeline = pipeline;
    TracerBuilder tb = pipeline.openTelemetry().tracerBuilder(INSTRUMENTATION_SCOPE);
    String version = Tracing.class.getPackage().getImplementationVersion();
    if (version != null) {
      tb.setInstrumentationVersion(version);
    }
    this.tracer = tb.build();
    this.propagator = pipeline.propagator();
    this.databaseSystem = b.databaseSystem;
    this.databaseServerAddress = b.databaseServerAddress;
    this.databaseServerPort = b.databaseServerPort > 0 ? Long.valueOf(b.databaseServerPort) : null;
    this.databaseNamespace = b.databaseNamespace;
    this.databaseTarget = b.databaseNamespace != null ? b.databaseNamespace
        : b.databaseServerAddress != null ? b.databaseServerAddress + ":" + b.databaseServerPort : null;
    this.aiOperationName = b.aiOperationName;
    this.messagingSystem = b.messagingSystem;
    this.listener = b.listener;
    this.notifyListener = b.listener != TracingListener.NONE;
    this.shutdownTimeout = b.shutdownTimeout;
    if (hook && pipeline.ownsSdk()) {
      this.shutdownHook = new Thread(() -> pipeline.shutdown(shutdownTimeout), "englog-tracing-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      this.shutdownHook = null;
    }
  }

  /** A builder; see {@link TracingBuilder}. */
  public static TracingBuilder builder() {
    return new TracingBuilder();
  }

  /**
   * An instance that records nothing and costs next to nothing, but still passes W3C trace context
   * through (a request's {@code traceparent} reaches the services it calls). Nothing to close.
   */
  public static Tracing noop() {
    return new Tracing(Mode.NOOP, propagating(TracingBuilder.DEFAULT_PROPAGATIONS, "no-op"), new TracingBuilder(),
        false);
  }

  /** The helpers over an {@code OpenTelemetry} the application built; see {@link TracingBuilder#openTelemetry}. */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return builder().openTelemetry(openTelemetry).build();
  }

  static Tracing create(TracingBuilder b, ConfigSource config) {
    if (b.openTelemetry != null) {
      return new Tracing(Mode.EXTERNAL, external(b.openTelemetry, "external OpenTelemetry"), b, false);
    }
    if (b.agentDetector.agentActive(config)) {
      LOG.log(Level.INFO, "OpenTelemetry Java agent detected: EngLog tracing reuses its SDK; exporter,"
          + " sampler and resource settings come from the agent's OTEL_* configuration");
      return new Tracing(Mode.AGENT, agentPipeline(), b, false);
    }
    SdkSettings settings = SdkSettings.resolve(b.code.copy(), config, b.environment);
    if (Boolean.TRUE.equals(config.bool("otel.sdk.disabled"))) {
      LOG.log(Level.INFO, "EngLog tracing disabled by otel.sdk.disabled / OTEL_SDK_DISABLED");
      return new Tracing(Mode.DISABLED,
          propagating(settings.propagations(), "disabled (otel.sdk.disabled=true)"), b, false);
    }
    Pipeline pipeline = SdkFactory.create(settings);
    if (b.registerGlobal) {
      try {
        GlobalOpenTelemetry.set(pipeline.openTelemetry());
      } catch (IllegalStateException e) {
        pipeline.shutdown(b.shutdownTimeout);
        throw new IllegalStateException("registerGlobal(true), but GlobalOpenTelemetry is already set in "
            + "this JVM; register only one Tracing (the application's), or build with registerGlobal(false)", e);
      }
    }
    Tracing tracing = new Tracing(Mode.SDK, pipeline, b, b.registerShutdownHook);
    LOG.log(Level.INFO, "EngLog tracing started: " + pipeline.description());
    return tracing;
  }

  /** The helpers over the attached agent's SDK, for the {@link Traces} facade's default. */
  static Tracing agent() {
    return new Tracing(Mode.AGENT, agentPipeline(), new TracingBuilder(), false);
  }

  private static Pipeline agentPipeline() {
    return external(GlobalOpenTelemetry.get(), "OpenTelemetry Java agent");
  }

  /** No SDK: nothing recorded or exported, trace context read and written with {@code propagations}. */
  private static Pipeline propagating(Set<Propagation> propagations, String description) {
    SafePropagator propagator = new SafePropagator(PropagatorFactory.create(propagations));
    return new Pipeline(OpenTelemetry.propagating(ContextPropagators.create(propagator)), null, propagator,
        new ExportStats(), description);
  }

  private static Pipeline external(OpenTelemetry openTelemetry, String description) {
    SafePropagator propagator = new SafePropagator(openTelemetry.getPropagators().getTextMapPropagator());
    return new Pipeline(openTelemetry, null, propagator, new ExportStats(), description);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs {@code work} in a {@code CLIENT} span named {@code "<operation> <table>"} (also its {@code
   * db.query.summary}) with {@code db.system.name}, {@code db.operation.name}, {@code
   * db.collection.name} (and {@code server.address}, {@code server.port}, {@code db.namespace} when
   * set on the instance), and tells the {@link TracingListener}. Without a table the name's target is
   * the namespace, else {@code address:port}, as the database conventions say. A failure whose cause
   * chain holds a {@code SQLException} with a SQLSTATE also sets {@code db.response.status_code}.
   *
   * @param operation e.g. {@code insert}, {@code select} (low cardinality: a constant, not SQL)
   * @param table e.g. {@code journals}
   * @return what {@code work} returned
   * @throws E what {@code work} threw, unchanged
   */
  public <T, E extends Throwable> T traceDbQuery(String operation, String table, SpanWork<T, E> work) throws E {
    Objects.requireNonNull(work, "work");
    return call(dbSpan(operation, table), null, work, KIND_DB, operation, table);
  }

  /** {@link #traceDbQuery(String, String, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceDbQuery(String operation, String table, VoidSpanWork<E> work) throws E {
    Objects.requireNonNull(work, "work");
    run(dbSpan(operation, table), null, work, KIND_DB, operation, table);
  }

  /**
   * Runs {@code work} in a {@code CLIENT} span named {@code "<taskType> <provider>"} with {@code
   * gen_ai.operation.name} (the task type when it is one of GenAI's operation names such as {@code
   * embeddings}, else the instance's {@link TracingBuilder#aiOperationName}, default {@code chat}),
   * {@code gen_ai.provider.name} and {@code englog.ai.task_type}, and tells the {@link
   * TracingListener} (which can record {@code EnglogMetrics.recordAiProcessing} from the same call).
   * The work can add {@code gen_ai.request.model} and token counts to {@code Span.current()}.
   *
   * @param taskType e.g. {@code summarize}
   * @param provider e.g. {@code openai}
   * @throws E what {@code work} threw, unchanged
   */
  public <T, E extends Throwable> T traceAiProcessing(String taskType, String provider, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    return call(aiSpan(taskType, provider), null, work, KIND_AI, taskType, provider);
  }

  /** {@link #traceAiProcessing(String, String, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceAiProcessing(String taskType, String provider, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    run(aiSpan(taskType, provider), null, work, KIND_AI, taskType, provider);
  }

  /**
   * Runs {@code work} in a span of your own.
   *
   * @param name a low-cardinality name, e.g. {@code "render timeline"}
   * @param kind null means {@code INTERNAL}
   * @param attributes null means none
   * @throws E what {@code work} threw, unchanged
   */
  public <T, E extends Throwable> T inSpan(String name, @Nullable SpanKind kind, @Nullable Attributes attributes,
      SpanWork<T, E> work) throws E {
    Objects.requireNonNull(work, "work");
    return call(span(name, kind, attributes), null, work, KIND_OTHER, null, null);
  }

  /** {@link #inSpan(String, SpanKind, Attributes, SpanWork)} for work without a result. */
  public <E extends Throwable> void inSpan(String name, @Nullable SpanKind kind, @Nullable Attributes attributes,
      VoidSpanWork<E> work) throws E {
    Objects.requireNonNull(work, "work");
    run(span(name, kind, attributes), null, work, KIND_OTHER, null, null);
  }

  /**
   * Producer side of a job hand-off: runs {@code work} (which puts the job on the queue) in a {@code
   * PRODUCER} span {@code "send <jobType>"}, after writing the trace context into {@code carrier}
   * (a mutable map that travels in the job's payload). That span's context is the job's creation
   * context in the messaging conventions' terms.
   *
   * <pre>{@code
   * Map<String, String> headers = new HashMap<>();
   * tracing.traceEnqueue("summarize", headers, () -> redis.lpush("jobs", Job.of(entryId, headers).toJson()));
   * }</pre>
   */
  public <T, E extends Throwable> T traceEnqueue(String jobType, Map<String, String> carrier, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    return call(sendSpan(jobType, carrier), null, work, KIND_OTHER, null, null);
  }

  /** {@link #traceEnqueue(String, Map, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceEnqueue(String jobType, Map<String, String> carrier, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    run(sendSpan(jobType, carrier), null, work, KIND_OTHER, null, null);
  }

  /**
   * Worker side of a job hand-off: runs {@code work} in a {@code CONSUMER} span {@code "process
   * <jobType>"} whose parent is the trace context in {@code carrier} (the map {@link #traceEnqueue}
   * filled), so API → queue → worker is one trace; the span also links to that context and, when the
   * job runs inside a span of the worker's own, to that span. A missing or malformed context makes
   * the span a child of whatever is current (a new trace when nothing is). Baggage in the carrier is
   * current while the work runs.
   *
   * <pre>{@code
   * Job job = Job.fromJson(redis.brpop("jobs"));
   * tracing.traceJob("summarize", job.headers(), () -> summarizer.run(job.entryId()));
   * }</pre>
   */
  public <T, E extends Throwable> T traceJob(String jobType, Map<String, String> carrier, SpanWork<T, E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    Context parent = jobContext(carrier);
    return call(processSpan(jobType, parent), parent, work, KIND_OTHER, null, null);
  }

  /** {@link #traceJob(String, Map, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceJob(String jobType, Map<String, String> carrier, VoidSpanWork<E> work)
      throws E {
    Objects.requireNonNull(work, "work");
    Context parent = jobContext(carrier);
    run(processSpan(jobType, parent), parent, work, KIND_OTHER, null, null);
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
  private <T, E extends Throwable> T call(Span span, Context context, SpanWork<T, E> work, int kind, String a,
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
  private <E extends Throwable> void run(Span span, Context context, VoidSpanWork<E> work, int kind, String a,
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

  private boolean timed(int kind) {
    return notifyListener && kind != KIND_OTHER;
  }

  private long startNanos(int kind) {
    return timed(kind) ? System.nanoTime() : 0L;
  }

  /** Ends the span (marking a failure first) and tells the listener, the span still current. */
  private void finish(Span span, int kind, String a, String b, long start, Throwable failure) {
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

  private static void recordFailure(Span span, int kind, Throwable t) {
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
      if (kind == KIND_DB) {
        String sqlState = SqlStates.of(t);
        if (sqlState != null) {
          span.setAttribute(DB_STATUS_CODE, sqlState);
        }
      }
      span.recordException(t);
    } catch (RuntimeException e) {
      // The work's own exception is what the caller must see.
    }
  }

  private void tell(int kind, String a, String b, long start, Throwable failure) {
    try {
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      if (kind == KIND_DB) {
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

  // ---------------------------------------------------------------- propagation

  /** Writes the current trace context (and baggage) into a mutable {@code carrier}, e.g. a job's headers. */
  public void inject(Map<String, String> carrier) {
    propagator.inject(Context.current(), carrier, Carriers.MAP_SETTER);
  }

  /** Writes {@code context} (e.g. one {@link #extract(Map) extracted} from a job) into {@code carrier}. */
  public void inject(Context context, Map<String, String> carrier) {
    propagator.inject(Objects.requireNonNull(context, "context"), carrier, Carriers.MAP_SETTER);
  }

  /**
   * Writes the current trace context into any carrier, e.g. an outgoing request:
   * {@code tracing.inject(requestBuilder, HttpRequest.Builder::header)}.
   */
  public <C> void inject(C carrier, TextMapSetter<C> setter) {
    propagator.inject(Context.current(), carrier, Objects.requireNonNull(setter, "setter"));
  }

  /**
   * The context a {@code carrier} (job headers) names, on top of the root context: a span started
   * in it continues the sender's trace. Missing, malformed or hostile values give the root context
   * (the next span starts a new trace). Keys are looked up as the propagators name them (B3's
   * {@code X-B3-*} also in lower case); for HTTP headers in any case pass a case-insensitive map.
   * Never throws.
   */
  public Context extract(Map<String, String> carrier) {
    return propagator.extract(Context.root(), carrier, Carriers.MAP_GETTER);
  }

  /**
   * {@link #extract(Map)} for HTTP headers with repeated lines, e.g. {@code
   * com.sun.net.httpserver.Headers} or {@code HttpHeaders.map()}; repeated lines of one header are
   * joined with commas as HTTP defines, so two different {@code traceparent}s are rejected.
   */
  public Context extractHeaders(Map<String, ? extends List<String>> headers) {
    return propagator.extract(Context.root(), headers, Carriers.HEADER_GETTER);
  }

  /** {@link #extract(Map)} for any carrier. */
  public <C> Context extract(C carrier, TextMapGetter<C> getter) {
    return propagator.extract(Context.root(), carrier, Objects.requireNonNull(getter, "getter"));
  }

  /** The configured propagators, made safe against hostile input; for adapters (servlet filter, HTTP clients). */
  public TextMapPropagator propagator() {
    return propagator;
  }

  // ---------------------------------------------------------------- state and counters

  public Mode mode() {
    return mode;
  }

  /** The OpenTelemetry instance, for instrumentation libraries that take one. */
  public OpenTelemetry openTelemetry() {
    return pipeline.openTelemetry();
  }

  /** The helpers' tracer (scope {@value #INSTRUMENTATION_SCOPE}), for spans the helpers do not cover. */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * Ended spans dropped before export: the bounded queue was full (the exporter is down or slow),
   * or the span was still running when the instance was closed. Publish it as a metric and alert
   * when it grows. Zero when the agent or an external SDK exports (they count their own). Read from
   * the SDK's batch processor; should an SDK stop reporting to it, a WARNING is logged once and
   * {@link #toString()} says so.
   */
  public long droppedSpans() {
    return pipeline.stats().droppedSpans();
  }

  /** Spans the exporter confirmed. */
  public long exportedSpans() {
    return pipeline.stats().exportedSpans();
  }

  /** Spans in export requests that failed (endpoint down, timed out, answered an error). */
  public long failedSpans() {
    return pipeline.stats().failedSpans();
  }

  /** Export requests that failed. */
  public long exportFailures() {
    return pipeline.stats().exportFailures();
  }

  /** Spans waiting in the queue now. */
  public long queuedSpans() {
    return pipeline.stats().queuedSpans();
  }

  /** The queue's bound ({@code maxQueueSize}); 0 when this instance does not export. */
  public int queueCapacity() {
    return pipeline.stats().queueCapacity();
  }

  /**
   * Incoming carriers with a trace header ({@code traceparent}, {@code b3}, {@code X-B3-TraceId},
   * {@code uber-trace-id}) that did not yield a valid context and so started a new trace.
   */
  public long rejectedContexts() {
    return propagator.rejectedContexts();
  }

  /** Times the {@link TracingListener} threw. */
  public long listenerFailures() {
    return listenerFailures.sum();
  }

  /**
   * Exports what is queued now.
   *
   * @return true if everything was exported within {@code timeout}
   */
  public boolean forceFlush(Duration timeout) {
    return pipeline.forceFlush(Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * Flushes the queue and shuts the SDK down, waiting at most the shutdown timeout (also when the
   * collector hangs: the export still in flight then ends on its own, within the exporter timeouts,
   * on the processor's daemon thread). Spans running at close and ended later are dropped and
   * counted; helpers called afterwards run their work without recording spans. Does nothing to an
   * agent's or external SDK. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook runs anyway.
      }
    }
    if (!pipeline.shutdown(shutdownTimeout)) {
      LOG.log(Level.WARNING, "EngLog tracing did not flush within " + shutdownTimeout.toMillis()
          + " ms; unexported spans are counted in failedSpans()/droppedSpans()");
    }
  }

  @Override
  public String toString() {
    String uncounted = pipeline.stats().uncounted();
    return "Tracing{" + mode + ", " + pipeline.description()
        + (uncounted == null ? "" : ", dropped/queued spans uncounted: " + uncounted) + "}";
  }
}
