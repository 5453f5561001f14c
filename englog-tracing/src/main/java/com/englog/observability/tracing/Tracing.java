package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.AgentDetector;
import com.englog.observability.tracing.internal.Carriers;
import com.englog.observability.tracing.internal.CodeExporterLoader;
import com.englog.observability.tracing.internal.ConfigLayers;
import com.englog.observability.tracing.internal.Pipeline;
import com.englog.observability.tracing.internal.Pipelines;
import com.englog.observability.tracing.internal.SafePropagator;
import com.englog.observability.tracing.internal.SpanHelpers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>Thread-safe. When the OpenTelemetry Java agent is attached, {@link Builder#build()} reuses the
 * agent's SDK instead of installing a second one ({@link Mode#AGENT}).
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
  /** How long {@link #close()} (and the JVM shutdown hook) waits for the last export. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger(Tracing.class.getName());

  private final Mode mode;
  private final Pipeline pipeline;
  private final Tracer tracer;
  private final SafePropagator propagator;
  private final SpanHelpers helpers;

  private Tracing(Pipeline pipeline, Builder b) {
    this.mode = pipeline.mode();
    this.pipeline = pipeline;
    TracerBuilder tb = pipeline.openTelemetry().tracerBuilder(INSTRUMENTATION_SCOPE);
    String version = Tracing.class.getPackage().getImplementationVersion();
    if (version != null) {
      tb.setInstrumentationVersion(version);
    }
    this.tracer = tb.build();
    this.propagator = pipeline.propagator();
    this.helpers = new SpanHelpers(tracer, propagator, mode != Mode.NOOP && mode != Mode.DISABLED,
        new SpanHelpers.Defaults(b.databaseSystem, b.databaseServerAddress, b.databaseServerPort,
            b.databaseNamespace, b.messagingSystem, b.aiOperationName), b.listener);
    if (b.shutdownHook) {
      pipeline.shutdownOnExit(DEFAULT_SHUTDOWN_TIMEOUT);
    }
  }

  /** A builder; see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An instance that records nothing and costs next to nothing, but still passes W3C trace context
   * through (a request's {@code traceparent} reaches the services it calls). Nothing to close.
   */
  public static Tracing noop() {
    return new Tracing(Pipelines.noop(), new Builder());
  }

  /** The helpers over an {@code OpenTelemetry} the application built; see {@link Builder#openTelemetry}. */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return builder().openTelemetry(openTelemetry).build();
  }

  /** The helpers over the attached agent's SDK, for the {@link Traces} facade's default. */
  static Tracing agent() {
    return new Tracing(Pipelines.agent(), new Builder());
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
    return helpers.traceDbQuery(operation, table, work);
  }

  /** {@link #traceDbQuery(String, String, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceDbQuery(String operation, String table, VoidSpanWork<E> work) throws E {
    helpers.traceDbQuery(operation, table, work);
  }

  /**
   * Runs {@code work} in a {@code CLIENT} span named {@code "<taskType> <provider>"} with {@code
   * gen_ai.operation.name} (the task type when it is one of GenAI's operation names such as {@code
   * embeddings}, else the instance's {@link Builder#aiOperationName}, default {@code chat}),
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
    return helpers.traceAiProcessing(taskType, provider, work);
  }

  /** {@link #traceAiProcessing(String, String, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceAiProcessing(String taskType, String provider, VoidSpanWork<E> work)
      throws E {
    helpers.traceAiProcessing(taskType, provider, work);
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
    return helpers.inSpan(name, kind, attributes, work);
  }

  /** {@link #inSpan(String, SpanKind, Attributes, SpanWork)} for work without a result. */
  public <E extends Throwable> void inSpan(String name, @Nullable SpanKind kind, @Nullable Attributes attributes,
      VoidSpanWork<E> work) throws E {
    helpers.inSpan(name, kind, attributes, work);
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
    return helpers.traceEnqueue(jobType, carrier, work);
  }

  /** {@link #traceEnqueue(String, Map, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceEnqueue(String jobType, Map<String, String> carrier, VoidSpanWork<E> work)
      throws E {
    helpers.traceEnqueue(jobType, carrier, work);
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
    return helpers.traceJob(jobType, carrier, work);
  }

  /** {@link #traceJob(String, Map, SpanWork)} for work without a result. */
  public <E extends Throwable> void traceJob(String jobType, Map<String, String> carrier, VoidSpanWork<E> work)
      throws E {
    helpers.traceJob(jobType, carrier, work);
  }

  /**
   * A {@code SERVER} span under {@code parent}, started now with {@code startAttributes} (the sampler
   * sees them), not made current ({@code span.storeInContext(parent).makeCurrent()} on each thread)
   * and ended by the caller, on any thread. Non-recording, with {@code parent}'s span context, in modes
   * {@code NOOP} and {@code DISABLED}. With the agent ({@link Mode#AGENT}) enrich its span instead.
   */
  public Span startServerSpan(String spanName, Context parent, @Nullable Attributes startAttributes) {
    return helpers.startServerSpan(spanName, parent, startAttributes);
  }

  /**
   * The builder {@link #startServerSpan} uses, kind {@code SERVER} and parent set, for adapters that
   * add the start attributes one by one ({@code setAttribute(key, value)}, seen by the sampler) and
   * then call {@code startSpan()}: no {@link Attributes} is built per request. The same rules hold:
   * not current, ended by the caller; in {@code NOOP} and {@code DISABLED} modes a no-op builder whose
   * span carries {@code parent}'s span context.
   */
  public SpanBuilder serverSpanBuilder(String spanName, Context parent) {
    return helpers.serverSpanBuilder(spanName, parent);
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

  /** {@link #extract(Context, Object, TextMapGetter)} on top of the root context. */
  public <C> Context extract(C carrier, TextMapGetter<C> getter) {
    return extract(Context.root(), carrier, getter);
  }

  /**
   * The context {@code carrier} names, on top of {@code base}, for adapters (a servlet request): read
   * within {@link #extractHeaders}' limits, repeated lines from {@link TextMapGetter#getAll}; hostile
   * or malformed input gives {@code base} (plus valid baggage) and is counted. Never throws.
   */
  public <C> Context extract(Context base, @Nullable C carrier, TextMapGetter<C> getter) {
    return propagator.extract(Objects.requireNonNull(base, "base"), carrier, Objects.requireNonNull(getter, "getter"));
  }

  /** The configured propagators, made safe against hostile input; for adapters (servlet filter, HTTP clients). */
  public TextMapPropagator propagator() {
    return propagator;
  }

  // ---------------------------------------------------------------- state and counters

  /** Where this instance's OpenTelemetry comes from; {@link Mode#AGENT} when the Java agent is attached. */
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

  /** The queue's bound ({@code otel.bsp.max.queue.size}); 0 when this instance does not export. */
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

  /** Incoming baggage members dropped as malformed (broken percent-escape, invalid property characters). */
  public long rejectedBaggage() {
    return propagator.rejectedBaggage();
  }

  /** Times the {@link TracingListener} threw. */
  public long listenerFailures() {
    return helpers.listenerFailures();
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
   * {@link #close()} waiting at most {@code timeout} instead of {@link #DEFAULT_SHUTDOWN_TIMEOUT}.
   *
   * @return true if the last export finished within {@code timeout} (also when already closed)
   */
  public boolean shutdown(Duration timeout) {
    if (pipeline.close(Objects.requireNonNull(timeout, "timeout"))) {
      return true;
    }
    LOG.log(Level.WARNING, "EngLog tracing did not flush within " + timeout.toMillis()
        + " ms; unexported spans are counted in failedSpans()/droppedSpans()");
    return false;
  }

  /**
   * Flushes the queue and shuts the SDK down, waiting at most {@link #DEFAULT_SHUTDOWN_TIMEOUT}
   * (also when the collector hangs: the export still in flight then ends on its own, within the
   * exporter timeouts, on the processor's daemon thread). Spans running at close and ended later are
   * dropped and counted; helpers called afterwards run their work without recording spans. Does
   * nothing to an agent's or external SDK. Idempotent. A JVM shutdown hook does the same for an
   * instance that was never closed.
   */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
  }

  @Override
  public String toString() {
    String uncounted = pipeline.stats().uncounted();
    return "Tracing{" + mode + ", " + pipeline.description()
        + (uncounted == null ? "" : ", dropped/queued spans uncounted: " + uncounted) + "}";
  }

  /**
   * Builds a {@link Tracing}. The SDK is configured by OpenTelemetry's autoconfigure from the standard
   * {@code otel.*} system properties and {@code OTEL_*} environment variables, which win over what is
   * set here (precedence: system property > environment variable > this builder > EngLog's default),
   * so operators can re-point or re-sample a service without a rebuild. {@code docs/tracing.md}
   * lists the names and EngLog's defaults.
   *
   * <pre>{@code
   * Tracing tracing = Tracing.builder()
   *     .serviceName("englog-api")
   *     .property("otel.resource.attributes", "service.version=1.4.2,deployment.environment.name=production")
   *     .databaseServer("db.internal", 5432)
   *     .build();
   * }</pre>
   *
   * <p>Not thread-safe; build once at startup.
   */
  public static final class Builder {

    /** EngLog's database. */
    public static final String DEFAULT_DATABASE_SYSTEM = "postgresql";
    /** EngLog's job queue. */
    public static final String DEFAULT_MESSAGING_SYSTEM = "redis";
    /** {@code gen_ai.operation.name} of {@code traceAiProcessing} spans: EngLog's AI tasks are chat completions. */
    public static final String DEFAULT_AI_OPERATION_NAME = "chat";

    private final Map<String, String> code = new LinkedHashMap<>();
    private String databaseSystem = DEFAULT_DATABASE_SYSTEM;
    private String databaseServerAddress;
    private int databaseServerPort = -1;
    private String databaseNamespace;
    private String messagingSystem = DEFAULT_MESSAGING_SYSTEM;
    private String aiOperationName = DEFAULT_AI_OPERATION_NAME;
    private boolean registerGlobal;
    private boolean shutdownHook = true;
    private TracingListener listener = TracingListener.NONE;
    private OpenTelemetry openTelemetry;
    private SpanExporter spanExporter;
    private Map<String, String> injectedProperties;
    private Map<String, String> injectedEnvironment;
    private AgentDetector agentDetector = AgentDetector.BOOTSTRAP;

    private Builder() {}

    /** {@code service.name}: {@code otel.service.name} set in code; {@code OTEL_SERVICE_NAME} wins. */
    public Builder serviceName(String serviceName) {
      return property("otel.service.name", nonBlank(serviceName, "serviceName"));
    }

    /**
     * Any OpenTelemetry SDK setting by its system property name, as a value set in code: the system
     * property and the environment variable of the same name win over it. For example
     * {@code property("otel.exporter.otlp.endpoint", "http://otel-collector:4318")},
     * {@code property("otel.traces.sampler.arg", "0.25")}, {@code property("otel.propagators",
     * "tracecontext,baggage,b3")}, {@code property("otel.bsp.max.queue.size", "4096")}. Values are
     * checked by {@link #build()}.
     *
     * @param otelKey an {@code otel.*} name, e.g. {@code otel.exporter.otlp.headers}
     */
    public Builder property(String otelKey, String value) {
      String key = ConfigLayers.normalize(nonBlank(otelKey, "otelKey"));
      if (!key.startsWith("otel.")) {
        throw new IllegalArgumentException("otelKey must be an OpenTelemetry setting such as"
            + " otel.exporter.otlp.endpoint, was '" + otelKey + "'");
      }
      code.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** {@code db.system.name} on {@code traceDbQuery} spans; default {@value #DEFAULT_DATABASE_SYSTEM}. */
    public Builder databaseSystem(String databaseSystem) {
      this.databaseSystem = nonBlank(databaseSystem, "databaseSystem");
      return this;
    }

    /** {@code server.address} and {@code server.port} on {@code traceDbQuery} spans. */
    public Builder databaseServer(String address, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be in [1, 65535], was " + port);
      }
      this.databaseServerAddress = nonBlank(address, "address");
      this.databaseServerPort = port;
      return this;
    }

    /** {@code db.namespace} (the database name) on {@code traceDbQuery} spans. */
    public Builder databaseNamespace(String namespace) {
      this.databaseNamespace = nonBlank(namespace, "namespace");
      return this;
    }

    /** {@code messaging.system} on job hand-off spans; default {@value #DEFAULT_MESSAGING_SYSTEM}. */
    public Builder messagingSystem(String messagingSystem) {
      this.messagingSystem = nonBlank(messagingSystem, "messagingSystem");
      return this;
    }

    /**
     * {@code gen_ai.operation.name} on {@code traceAiProcessing} spans whose task type is not itself
     * a GenAI operation name; default {@value #DEFAULT_AI_OPERATION_NAME}. Use the conventions'
     * names: {@code generate_content} (Gemini), {@code text_completion}, {@code embeddings}, …
     */
    public Builder aiOperationName(String operationName) {
      this.aiOperationName = nonBlank(operationName, "operationName");
      return this;
    }

    /**
     * Sends spans to {@code exporter} instead of OTLP (tests, or a backend with its own exporter). It
     * still sits behind the bounded batch queue and its results are counted. {@code
     * OTEL_TRACES_EXPORTER} still wins: {@code otlp} there replaces it.
     */
    public Builder spanExporter(SpanExporter exporter) {
      this.spanExporter = Objects.requireNonNull(exporter, "exporter");
      code.put("otel.traces.exporter", CodeExporterLoader.NAME);
      return this;
    }

    /**
     * Also make the SDK {@code GlobalOpenTelemetry}, so third-party instrumentation that reads the
     * global finds it (default false). Only one per JVM; an application's {@code main} does it.
     */
    public Builder registerGlobal(boolean register) {
      this.registerGlobal = register;
      return this;
    }

    /**
     * Whether a JVM shutdown hook closes this instance if nothing else does (default true). Turn it
     * off when the service's own shutdown sequence calls {@link Tracing#close()} after draining its
     * requests and jobs: the JVM runs all shutdown hooks at once, so this one would shut the SDK down
     * while the drain still ends spans, and those spans would be dropped.
     */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    /** Told when {@code traceDbQuery} / {@code traceAiProcessing} work ends (e.g. to record metrics). */
    public Builder listener(TracingListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Use an {@code OpenTelemetry} the application already built instead of building an SDK: the
     * helpers, propagation and executors work on it; its exporter, sampler and resource stay as they
     * are, and {@link Tracing#close()} leaves it running.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Reads system properties and environment variables from these maps instead of the JVM's, which
     * are then not read (autoconfigure still checks the real {@code OTEL_CONFIG_FILE}); for tests.
     * Keys as the JVM spells them: {@code otel.service.name}, {@code OTEL_SERVICE_NAME}.
     */
    public Builder configuration(Map<String, String> systemProperties, Map<String, String> environment) {
      this.injectedProperties = Map.copyOf(Objects.requireNonNull(systemProperties, "systemProperties"));
      this.injectedEnvironment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    Builder agentDetector(AgentDetector agentDetector) {
      this.agentDetector = Objects.requireNonNull(agentDetector, "agentDetector");
      return this;
    }

    /**
     * Builds the instance: reuses the OpenTelemetry Java agent's SDK when the agent is attached, a
     * no-op when {@code OTEL_SDK_DISABLED=true}, otherwise a new SDK.
     *
     * @throws IllegalArgumentException when a setting has an invalid value (the message names it,
     *     where it came from and what OpenTelemetry's autoconfigure objected to)
     * @throws IllegalStateException when {@code grpc} is chosen without a gRPC sender on the class
     *     path, or {@link #registerGlobal} finds the global already set
     */
    public Tracing build() {
      if (openTelemetry != null) {
        return new Tracing(Pipelines.external(openTelemetry), this);
      }
      ConfigLayers layers = injectedProperties == null ? ConfigLayers.system(code)
          : ConfigLayers.injected(injectedProperties, injectedEnvironment, code);
      return new Tracing(Pipelines.start(code, spanExporter, layers, agentDetector, registerGlobal,
          DEFAULT_SHUTDOWN_TIMEOUT), this);
    }

    private static String nonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value.trim();
    }
  }
}
