package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.AgentDetector;
import com.englog.observability.tracing.internal.CodeConfig;
import com.englog.observability.tracing.internal.ConfigSource;
import com.englog.observability.tracing.internal.SdkSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Tracing}. Every SDK setting also has its standard OpenTelemetry system property
 * and environment variable, which win over what is set here (precedence: system property >
 * environment variable > this builder > {@code DEFAULT_*}), so operators can re-point or re-sample a
 * service without a rebuild. {@code docs/tracing.md} lists every name.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.builder()
 *     .serviceName("englog-api")
 *     .serviceVersion("1.4.2")
 *     .deploymentEnvironment("production")
 *     .databaseServer("db.internal", 5432)
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe; build once at startup.
 */
public final class TracingBuilder {

  /** OpenTelemetry's name for a service that did not say who it is. */
  public static final String DEFAULT_SERVICE_NAME = "unknown_service:java";
  public static final OtlpProtocol DEFAULT_OTLP_PROTOCOL = OtlpProtocol.HTTP_PROTOBUF;
  public static final Duration DEFAULT_OTLP_TIMEOUT = Duration.ofSeconds(10);
  /** Sample ratio everywhere except production: every trace. */
  public static final double DEFAULT_SAMPLE_RATIO = 1.0;
  /** Sample ratio when the deployment environment is {@code production} or {@code prod}. */
  public static final double DEFAULT_PRODUCTION_SAMPLE_RATIO = 0.1;
  public static final Set<Propagation> DEFAULT_PROPAGATIONS =
      Collections.unmodifiableSet(EnumSet.of(Propagation.TRACECONTEXT, Propagation.BAGGAGE));
  public static final int DEFAULT_MAX_QUEUE_SIZE = 2048;
  public static final int DEFAULT_MAX_EXPORT_BATCH_SIZE = 512;
  public static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(5);
  public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  /** EngLog's database. */
  public static final String DEFAULT_DATABASE_SYSTEM = "postgresql";
  /** EngLog's job queue. */
  public static final String DEFAULT_MESSAGING_SYSTEM = "redis";
  /** {@code gen_ai.operation.name} of {@code traceAiProcessing} spans: EngLog's AI tasks are chat completions. */
  public static final String DEFAULT_AI_OPERATION_NAME = "chat";

  final CodeConfig code = new CodeConfig();
  String databaseSystem = DEFAULT_DATABASE_SYSTEM;
  String databaseServerAddress;
  int databaseServerPort = -1;
  String databaseNamespace;
  String messagingSystem = DEFAULT_MESSAGING_SYSTEM;
  String aiOperationName = DEFAULT_AI_OPERATION_NAME;
  Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  boolean registerShutdownHook = true;
  boolean registerGlobal;
  TracingListener listener = TracingListener.NONE;
  OpenTelemetry openTelemetry;
  Function<String, String> systemProperties = System::getProperty;
  Function<String, String> environment = System::getenv;
  AgentDetector agentDetector = AgentDetector.BOOTSTRAP;

  TracingBuilder() {}

  /** {@code service.name}; overridden by {@code otel.service.name} / {@code OTEL_SERVICE_NAME}. */
  public TracingBuilder serviceName(String serviceName) {
    code.serviceName = nonBlank(serviceName, "serviceName");
    return this;
  }

  /** {@code service.version}, e.g. the build's version. */
  public TracingBuilder serviceVersion(String serviceVersion) {
    code.serviceVersion = nonBlank(serviceVersion, "serviceVersion");
    return this;
  }

  /**
   * {@code deployment.environment.name}, e.g. {@code production}. Also picks the default sampling:
   * {@value #DEFAULT_PRODUCTION_SAMPLE_RATIO} of traces in {@code production}/{@code prod}, all of
   * them elsewhere.
   */
  public TracingBuilder deploymentEnvironment(String environment) {
    code.deploymentEnvironment = nonBlank(environment, "deploymentEnvironment");
    return this;
  }

  /** An extra resource attribute; {@code OTEL_RESOURCE_ATTRIBUTES} wins for the same key. */
  public TracingBuilder resourceAttribute(String key, String value) {
    code.resourceAttributes.put(nonBlank(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** {@code db.system.name} on {@code traceDbQuery} spans; default {@value #DEFAULT_DATABASE_SYSTEM}. */
  public TracingBuilder databaseSystem(String databaseSystem) {
    this.databaseSystem = nonBlank(databaseSystem, "databaseSystem");
    return this;
  }

  /** {@code server.address} and {@code server.port} on {@code traceDbQuery} spans. */
  public TracingBuilder databaseServer(String address, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in [1, 65535], was " + port);
    }
    this.databaseServerAddress = nonBlank(address, "address");
    this.databaseServerPort = port;
    return this;
  }

  /** {@code db.namespace} (the database name) on {@code traceDbQuery} spans. */
  public TracingBuilder databaseNamespace(String namespace) {
    this.databaseNamespace = nonBlank(namespace, "namespace");
    return this;
  }

  /** {@code messaging.system} on job hand-off spans; default {@value #DEFAULT_MESSAGING_SYSTEM}. */
  public TracingBuilder messagingSystem(String messagingSystem) {
    this.messagingSystem = nonBlank(messagingSystem, "messagingSystem");
    return this;
  }

  /**
   * {@code gen_ai.operation.name} on {@code traceAiProcessing} spans whose task type is not itself
   * a GenAI operation name; default {@value #DEFAULT_AI_OPERATION_NAME}. Use the conventions' names:
   * {@code generate_content} (Gemini), {@code text_completion}, {@code embeddings}, …
   */
  public TracingBuilder aiOperationName(String operationName) {
    this.aiOperationName = nonBlank(operationName, "operationName");
    return this;
  }

  /**
   * The OTLP base endpoint, e.g. {@code http://otel-collector:4318} ({@code /v1/traces} is appended
   * for HTTP); default {@code http://localhost:4318}. Overridden by {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * and {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}.
   */
  public TracingBuilder otlpEndpoint(String endpoint) {
    code.otlpEndpoint = nonBlank(endpoint, "endpoint");
    return this;
  }

  /** Default {@link OtlpProtocol#HTTP_PROTOBUF}. */
  public TracingBuilder otlpProtocol(OtlpProtocol protocol) {
    code.otlpProtocol = Objects.requireNonNull(protocol, "protocol");
    return this;
  }

  /**
   * A header sent with every export, e.g. an API key read from a file or the environment (never
   * commit it). Values are never logged.
   */
  public TracingBuilder otlpHeader(String name, String value) {
    code.otlpHeaders.put(nonBlank(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** How long one export may take, retries included; default 10 s. */
  public TracingBuilder otlpTimeout(Duration timeout) {
    code.otlpTimeout = positive(timeout, "timeout");
    return this;
  }

  /** {@code gzip} or {@code none} (default). */
  public TracingBuilder otlpCompression(String compression) {
    String c = nonBlank(compression, "compression");
    if (!SdkSettings.COMPRESSIONS.contains(c)) {
      throw new IllegalArgumentException("compression must be gzip or none, was '" + c + "'");
    }
    code.otlpCompression = c;
    return this;
  }

  /**
   * A PEM file of CA certificates to trust for an {@code https://} endpoint instead of the JVM's
   * trust store (a collector with a private CA). Read when {@link #build()} runs; a missing,
   * unreadable or non-certificate file fails the build naming the setting and path. Overridden by
   * {@code OTEL_EXPORTER_OTLP_CERTIFICATE} and {@code OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE}.
   */
  public TracingBuilder otlpTrustedCertificates(Path pemFile) {
    code.otlpTrustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
    return this;
  }

  /**
   * Mutual TLS: the client's private key (unencrypted PKCS#8 PEM, RSA or EC) and certificate (PEM)
   * presented to an {@code https://} endpoint. Read when {@link #build()} runs, like {@link
   * #otlpTrustedCertificates}. Each overridden by {@code OTEL_EXPORTER_OTLP_CLIENT_KEY} /
   * {@code OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE} (and their {@code _TRACES_} forms).
   */
  public TracingBuilder otlpClientTls(Path privateKeyPem, Path certificatePem) {
    code.otlpClientKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    code.otlpClientCertificate = Objects.requireNonNull(certificatePem, "certificatePem");
    return this;
  }

  /**
   * Sends spans to {@code exporter} instead of OTLP (tests, or a backend with its own exporter). It
   * still sits behind the bounded batch queue and its results are counted.
   */
  public TracingBuilder spanExporter(SpanExporter exporter) {
    code.spanExporter = Objects.requireNonNull(exporter, "exporter");
    return this;
  }

  /**
   * The ratio of new traces to record, in [0, 1], behind a parent-based sampler (a request whose
   * caller sampled it is always recorded, and never when the caller did not). Default
   * {@value #DEFAULT_SAMPLE_RATIO}, or {@value #DEFAULT_PRODUCTION_SAMPLE_RATIO} in production.
   * Overridden by {@code OTEL_TRACES_SAMPLER_ARG}. Ignored when {@link #sampler(Sampler)} is set.
   */
  public TracingBuilder sampleRatio(double ratio) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("ratio must be in [0.0, 1.0], was " + ratio);
    }
    code.sampleRatio = ratio;
    return this;
  }

  /**
   * A sampler of your own, used instead of the parent-based ratio sampler (then {@link #sampleRatio}
   * does not apply). {@code OTEL_TRACES_SAMPLER} still wins; {@code OTEL_TRACES_SAMPLER_ARG} alone
   * does not replace it (a ratio cannot tune a sampler it does not know) and is ignored with a
   * WARNING in the log.
   */
  public TracingBuilder sampler(Sampler sampler) {
    code.sampler = Objects.requireNonNull(sampler, "sampler");
    return this;
  }

  /** The wire formats to read and write; default tracecontext + baggage. Overridden by {@code OTEL_PROPAGATORS}. */
  public TracingBuilder propagations(Propagation... propagations) {
    Objects.requireNonNull(propagations, "propagations");
    Set<Propagation> set = new LinkedHashSet<>();
    for (Propagation p : Arrays.asList(propagations)) {
      set.add(Objects.requireNonNull(p, "propagation"));
    }
    code.propagations = set;
    return this;
  }

  /**
   * Spans waiting for export; when full, new spans are dropped and counted ({@link
   * Tracing#droppedSpans()}) instead of slowing the service. Default {@value #DEFAULT_MAX_QUEUE_SIZE}.
   */
  public TracingBuilder maxQueueSize(int maxQueueSize) {
    code.maxQueueSize = atLeastOne(maxQueueSize, "maxQueueSize");
    return this;
  }

  /** Spans per export request; at most the queue size. Default {@value #DEFAULT_MAX_EXPORT_BATCH_SIZE}. */
  public TracingBuilder maxExportBatchSize(int maxExportBatchSize) {
    code.maxExportBatchSize = atLeastOne(maxExportBatchSize, "maxExportBatchSize");
    return this;
  }

  /** The longest a span waits in the queue before export; default 5 s. */
  public TracingBuilder scheduleDelay(Duration delay) {
    code.scheduleDelay = positive(delay, "delay");
    return this;
  }

  /** How long the batch processor waits for one export; default 30 s. */
  public TracingBuilder exportTimeout(Duration timeout) {
    code.exportTimeout = positive(timeout, "timeout");
    return this;
  }

  /** How long {@link Tracing#close()} waits for the last export; default 10 s. */
  public TracingBuilder shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = positive(timeout, "timeout");
    return this;
  }

  /** Flush and close on JVM shutdown (default true); {@link Tracing#close()} removes the hook. */
  public TracingBuilder registerShutdownHook(boolean register) {
    this.registerShutdownHook = register;
    return this;
  }

  /**
   * Also make the SDK {@code GlobalOpenTelemetry}, so third-party instrumentation that reads the
   * global finds it (default false). Only one per JVM; an application's {@code main} does it.
   */
  public TracingBuilder registerGlobal(boolean register) {
    this.registerGlobal = register;
    return this;
  }

  /** Told when {@code traceDbQuery} / {@code traceAiProcessing} work ends (e.g. to record metrics). */
  public TracingBuilder listener(TracingListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Use an {@code OpenTelemetry} the application already built instead of building an SDK: the
   * helpers, propagation and executors work on it; its exporter, sampler and resource stay as they
   * are, and {@link Tracing#close()} leaves it running.
   */
  public TracingBuilder openTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /** Where system properties are read (default {@code System::getProperty}); for tests. */
  public TracingBuilder systemProperties(Function<String, @Nullable String> systemProperties) {
    this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
    return this;
  }

  /** Where environment variables are read (default {@code System::getenv}); for tests. */
  public TracingBuilder environment(Function<String, @Nullable String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  /** Reads both from maps; for tests. */
  public TracingBuilder configuration(Map<String, String> systemProperties, Map<String, String> environment) {
    Map<String, String> props = Map.copyOf(Objects.requireNonNull(systemProperties, "systemProperties"));
    Map<String, String> env = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    return systemProperties(props::get).environment(env::get);
  }

  TracingBuilder agentDetector(AgentDetector agentDetector) {
    this.agentDetector = Objects.requireNonNull(agentDetector, "agentDetector");
    return this;
  }

  /**
   * Builds the instance: reuses the OpenTelemetry Java agent's SDK when the agent is attached, a
   * no-op when {@code OTEL_SDK_DISABLED=true}, otherwise a new SDK.
   *
   * @throws IllegalArgumentException when a system property or environment variable has an invalid
   *     value (the message names it and the allowed values)
   */
  public Tracing build() {
    return Tracing.create(this, new ConfigSource(systemProperties, environment));
  }

  private static String nonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value.trim();
  }

  private static int atLeastOne(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
