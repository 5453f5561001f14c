package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.internal.AutoConfigureUtil;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the SDK with OpenTelemetry's own autoconfigure ({@code AutoConfiguredOpenTelemetrySdk}),
 * which parses every {@code otel.*} system property and {@code OTEL_*} variable. EngLog adds:
 *
 * <ul>
 *   <li>its defaults and the application's code values, through {@code addPropertiesSupplier}
 *       only, so that system properties and the environment win over both;
 *   <li>export accounting, through customizers that wrap and never configure: the exporter in a
 *       {@link CountingSpanExporter} (exported, failed), the batch processor in a {@link
 *       CountingSpanProcessor} (spans ended after close), and a {@link ProcessorTelemetry} reader on
 *       the SDK's meter provider, which the batch processor reports its queue-full drops and queue
 *       size to;
 *   <li>host and process resource attributes, under the configured ones;
 *   <li>a span processor that exports nothing when {@code otel.traces.exporter=none}, so spans still
 *       carry trace ids for the logs and for propagation;
 *   <li>the hostile-input guard around the configured propagators ({@link SafePropagator});
 *   <li>errors that name where a rejected value came from, and a startup description without
 *       secrets.
 * </ul>
 *
 * <p>Not public API.
 */
public final class SdkBootstrap {

  /** Every trace, outside production. */
  public static final double DEFAULT_SAMPLE_RATIO = 1.0;
  /** A tenth of new traces when the deployment environment is {@code production} or {@code prod}. */
  public static final double PRODUCTION_SAMPLE_RATIO = 0.1;

  private static final System.Logger LOG = System.getLogger(SdkBootstrap.class.getName());
  private static final Set<String> PRODUCTION_NAMES = Set.of("production", "prod");
  private static final String HTTP_PROTOBUF = "http/protobuf";
  /** The SDK batch processor's defaults, for the description and the batch-size default. */
  private static final int SDK_QUEUE_SIZE = 2048;
  private static final int SDK_BATCH_SIZE = 512;
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("deployment.environment.name");
  private static final AttributeKey<String> LEGACY_ENVIRONMENT = AttributeKey.stringKey("deployment.environment");
  private static final Pattern KEY = Pattern.compile("otel(?:\\.[a-z0-9_-]+)+");
  private static final List<String> TLS_KEYS = List.of("otel.exporter.otlp.traces.certificate",
      "otel.exporter.otlp.certificate", "otel.exporter.otlp.traces.client.key", "otel.exporter.otlp.client.key",
      "otel.exporter.otlp.traces.client.certificate", "otel.exporter.otlp.client.certificate");
  private static final List<String> ENDPOINT_KEYS = List.of("otel.exporter.otlp.traces.endpoint",
      "otel.exporter.otlp.endpoint");

  private SdkBootstrap() {}

  /**
   * EngLog's defaults, where they differ from autoconfigure's: OTLP over {@code http/protobuf}
   * (autoconfigure's default is gRPC, which needs a sender this module does not ship), a
   * parent-based ratio sampler at 1.0, or 0.1 in production, no OTel metrics or logs exported (a
   * service must not start sending them to localhost because it added tracing), and an export batch
   * no larger than a small queue. The last two read the other settings through {@code layers}.
   */
  public static Map<String, String> defaults(ConfigLayers layers) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("otel.exporter.otlp.protocol", HTTP_PROTOBUF);
    d.put("otel.traces.sampler", "parentbased_traceidratio");
    d.put("otel.traces.sampler.arg",
        String.valueOf(isProduction(layers) ? PRODUCTION_SAMPLE_RATIO : DEFAULT_SAMPLE_RATIO));
    d.put("otel.metrics.exporter", "none");
    d.put("otel.logs.exporter", "none");
    Integer queue = integer(layers.get("otel.bsp.max.queue.size"));
    if (queue != null && queue > 0 && queue < SDK_BATCH_SIZE && layers.get("otel.bsp.max.export.batch.size") == null) {
      d.put("otel.bsp.max.export.batch.size", String.valueOf(queue));
    }
    return d;
  }

  /** The deployment environment named in {@code otel.resource.attributes} is {@code production} or {@code prod}. */
  static boolean isProduction(ConfigLayers layers) {
    String attributes = layers.get("otel.resource.attributes");
    if (attributes == null) {
      return false;
    }
    String environment = null;
    for (String entry : attributes.split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        String key = entry.substring(0, eq).trim();
        if (key.equals(ENVIRONMENT.getKey()) || (key.equals(LEGACY_ENVIRONMENT.getKey()) && environment == null)) {
          environment = entry.substring(eq + 1).trim();
        }
      }
    }
    return environment != null && PRODUCTION_NAMES.contains(environment.toLowerCase(Locale.ROOT));
  }

  /**
   * Builds the SDK (mode {@code SDK}), or only the configured propagators when {@code
   * otel.sdk.disabled=true} (mode {@code DISABLED}).
   *
   * @param code the values set in code, {@code otel.*} keys
   * @param codeExporter the exporter set in code, or null
   * @throws IllegalArgumentException for an invalid setting, naming it and where it came from
   * @throws IllegalStateException for gRPC without a gRPC sender
   */
  public static Pipeline build(Map<String, String> code, SpanExporter codeExporter, ConfigLayers layers) {
    Map<String, String> values = new LinkedHashMap<>(defaults(layers));
    code.forEach((k, v) -> values.put(ConfigLayers.normalize(k), v));
    ExportStats stats = new ExportStats();
    ProcessorTelemetry telemetry = new ProcessorTelemetry();
    ComponentLoader loader = new CodeExporterLoader(
        new PreferJdkHttpSender(ComponentLoader.forClassLoader(SdkBootstrap.class.getClassLoader())), codeExporter);
    AtomicReference<ConfigProperties> configSeen = new AtomicReference<>();
    AtomicReference<Resource> resourceSeen = new AtomicReference<>();
    AtomicBoolean batching = new AtomicBoolean();

    AutoConfiguredOpenTelemetrySdkBuilder builder = AutoConfiguredOpenTelemetrySdk.builder()
        .setComponentLoader(loader)
        .disableShutdownHook() // Tracing registers its own, and removes it on close()
        .addPropertiesSupplier(() -> values)
        .addResourceCustomizer((resource, config) -> {
          configSeen.set(config);
          Resource withHost = Resource.create(HostProcessResource.attributes(layers::environmentVariable)).merge(resource);
          resourceSeen.set(withHost);
          return withHost;
        })
        .addSpanExporterCustomizer((exporter, config) -> new CountingSpanExporter(exporter, stats, telemetry))
        .addSpanProcessorCustomizer((processor, config) -> {
          if (!(processor instanceof BatchSpanProcessor)) {
            return processor;
          }
          batching.set(true);
          stats.queueCapacity(config.getInt("otel.bsp.max.queue.size", SDK_QUEUE_SIZE));
          stats.telemetry(telemetry);
          return new CountingSpanProcessor(processor, stats);
        })
        .addMeterProviderCustomizer((meters, config) -> meters.registerMetricReader(telemetry))
        .addTracerProviderCustomizer((tracers, config) ->
            batching.get() ? tracers : tracers.addSpanProcessor(NotExporting.INSTANCE));
    if (layers.isInjected()) {
      // Tests inject system properties and environment: autoconfigure must not read the real ones.
      Map<String, String> injected = layers.injectedOver(values);
      AutoConfigureUtil.setConfigPropertiesCustomizer(builder, ignored -> new InjectedConfig(injected, loader));
    }

    AutoConfiguredOpenTelemetrySdk auto;
    try {
      auto = builder.build();
    } catch (RuntimeException e) {
      throw translate(e, layers, values);
    }
    ConfigProperties config = configSeen.get();
    OpenTelemetrySdk configured = auto.getOpenTelemetrySdk();
    SafePropagator propagator = new SafePropagator(configured.getPropagators().getTextMapPropagator());
    if (config.getBoolean("otel.sdk.disabled", false)) {
      configured.shutdown();
      return new Pipeline(Tracing.Mode.DISABLED, OpenTelemetry.propagating(ContextPropagators.create(propagator)),
          null, propagator, new ExportStats(), "disabled (otel.sdk.disabled=true)");
    }
    // The same providers, with the guarded propagators: what instrumentation reading
    // tracing.openTelemetry().getPropagators() gets too.
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(configured.getSdkTracerProvider())
        .setMeterProvider(configured.getSdkMeterProvider())
        .setLoggerProvider(configured.getSdkLoggerProvider())
        .setPropagators(ContextPropagators.create(propagator))
        .build();
    String description = describe(resourceSeen.get(), config, sdk, codeExporter, stats, layers);
    return new Pipeline(Tracing.Mode.SDK, sdk, sdk, propagator, stats, description);
  }

  // ---------------------------------------------------------------- description

  private static String describe(Resource resource, ConfigProperties config, OpenTelemetrySdk sdk,
      SpanExporter codeExporter, ExportStats stats, ConfigLayers layers) {
    StringBuilder sb = new StringBuilder("service=").append(resource.getAttribute(SERVICE_NAME));
    String environment = resource.getAttribute(ENVIRONMENT);
    if (environment == null) {
      environment = resource.getAttribute(LEGACY_ENVIRONMENT);
    }
    if (environment != null) {
      sb.append(" environment=").append(environment);
    }
    List<String> exporters = config.getList("otel.traces.exporter", List.of("otlp"));
    sb.append(" exporter=");
    List<String> parts = new ArrayList<>();
    for (String name : exporters) {
      if (name.equals("otlp")) {
        parts.add(otlp(config, layers));
      } else if (name.equals(CodeExporterLoader.NAME)) {
        parts.add(String.valueOf(codeExporter));
      } else {
        parts.add(name);
      }
    }
    sb.append(String.join(", ", parts))
        .append(" sampler=").append(sdk.getSdkTracerProvider().getSampler().getDescription())
        .append(" propagators=").append(config.getList("otel.propagators", List.of("tracecontext", "baggage")));
    if (stats.queueCapacity() > 0) {
      sb.append(" queue=").append(stats.queueCapacity())
          .append(" batch=").append(config.getInt("otel.bsp.max.export.batch.size", SDK_BATCH_SIZE));
    }
    return sb.toString();
  }

  /** The OTLP exporter as autoconfigure configured it; header names but never values, the endpoint redacted. */
  private static String otlp(ConfigProperties config, ConfigLayers layers) {
    String protocol = config.getString("otel.exporter.otlp.traces.protocol",
        config.getString("otel.exporter.otlp.protocol", "grpc"));
    boolean http = protocol.equals(HTTP_PROTOBUF);
    String endpoint = config.getString("otel.exporter.otlp.traces.endpoint");
    if (endpoint == null) {
      String base = config.getString("otel.exporter.otlp.endpoint", http ? "http://localhost:4318" : "http://localhost:4317");
      endpoint = http ? base + (base.endsWith("/") ? "" : "/") + "v1/traces" : base;
    }
    Map<String, String> headers = config.getMap("otel.exporter.otlp.traces.headers");
    if (headers.isEmpty()) {
      headers = config.getMap("otel.exporter.otlp.headers");
    }
    String compression = config.getString("otel.exporter.otlp.traces.compression",
        config.getString("otel.exporter.otlp.compression", "none"));
    String trust = tlsFile(config, layers, "certificate");
    String clientCertificate = tlsFile(config, layers, "client.certificate");
    if ((trust != null || clientCertificate != null) && !endpoint.regionMatches(true, 0, "https:", 0, 6)) {
      LOG.log(System.Logger.Level.WARNING, "EngLog tracing: OTLP TLS files are configured but the endpoint "
          + redacted(endpoint) + " is not https://, so they are not used and spans travel in clear text;"
          + " set OTEL_EXPORTER_OTLP_ENDPOINT to an https:// URL");
    }
    return "otlp " + protocol + " " + redacted(endpoint)
        + (headers.isEmpty() ? "" : " headers=" + headers.keySet())
        + " compression=" + compression
        + (trust == null ? "" : " trust=" + trust)
        + (clientCertificate == null ? "" : " clientCertificate=" + clientCertificate);
  }

  private static String tlsFile(ConfigProperties config, ConfigLayers layers, String suffix) {
    String key = config.getString("otel.exporter.otlp.traces." + suffix) != null
        ? "otel.exporter.otlp.traces." + suffix : "otel.exporter.otlp." + suffix;
    String path = config.getString(key);
    if (path == null) {
      return null;
    }
    String origin = layers.origin(key);
    return (origin == null ? key : origin) + " (" + path + ")";
  }

  /**
   * {@code url} fit for a log line or an error message: user info ({@code https://user:token@…}),
   * query and fragment (where API keys ride) masked. Works on text that does not parse as a URI too.
   */
  static String redacted(String url) {
    String rest = url;
    String tail = "";
    int query = indexOfAny(rest, '?', '#');
    if (query >= 0) {
      tail = rest.charAt(query) + "***";
      rest = rest.substring(0, query);
    }
    int scheme = rest.indexOf("://");
    int authority = scheme < 0 ? 0 : scheme + 3;
    int path = rest.indexOf('/', authority);
    int at = rest.lastIndexOf('@', path < 0 ? rest.length() - 1 : path - 1);
    if (at >= authority) {
      rest = rest.substring(0, authority) + "***" + rest.substring(at);
    }
    return rest + tail;
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  // ---------------------------------------------------------------- errors

  /**
   * Autoconfigure's error, with where each setting it names came from (system property,
   * environment variable or code), and any endpoint it quotes redacted (then without the cause,
   * whose message quotes it whole).
   */
  static RuntimeException translate(RuntimeException e, ConfigLayers layers, Map<String, String> values) {
    StringBuilder message = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.equals("Unexpected configuration error") && message.indexOf(m) < 0) {
        message.append(message.length() == 0 ? "" : ": ").append(m);
      }
    }
    String text = message.toString();
    if (text.contains("GrpcSenderProvider")) {
      return new IllegalStateException("OTLP protocol grpc needs a gRPC sender on the class path: add "
          + "io.opentelemetry:opentelemetry-exporter-sender-okhttp (or -sender-grpc-managed-channel "
          + "with a grpc transport); englog-tracing ships only the JDK HTTP sender for http/protobuf", e);
    }
    Set<String> keys = new LinkedHashSet<>();
    Matcher matcher = KEY.matcher(text);
    while (matcher.find()) {
      keys.add(matcher.group());
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("certificate") || lower.contains(" key") || lower.contains("tls")) {
      keys.addAll(TLS_KEYS);
    }
    if (lower.contains("endpoint")) {
      keys.addAll(ENDPOINT_KEYS);
    }
    StringBuilder origins = new StringBuilder();
    for (String key : keys) {
      String normalized = ConfigLayers.normalize(key);
      String origin = layers.origin(key);
      String value = layers.get(key);
      if (origin == null && values.containsKey(normalized)) {
        origin = "EngLog's default " + normalized;
        value = values.get(normalized);
      }
      if (origin != null) {
        // Header values are credentials: never repeated.
        origins.append(origins.length() == 0 ? " (" : "; ").append(origin)
            .append(normalized.contains("headers") ? ""
                : " = '" + abbreviate(ENDPOINT_KEYS.contains(normalized) ? redacted(value) : value) + "'");
      }
    }
    if (origins.length() > 0) {
      origins.append(')');
    }
    boolean redacted = false;
    String full = text + origins;
    for (String key : ENDPOINT_KEYS) {
      for (String value : new String[] {layers.get(key), values.get(key)}) {
        for (String secret : secrets(value)) {
          if (full.contains(secret)) {
            full = full.replace(secret, secret.equals(value) ? redacted(value) : "***");
            redacted = true;
          }
        }
      }
    }
    return new IllegalArgumentException("EngLog tracing: invalid OpenTelemetry configuration: " + full,
        redacted ? null : e);
  }

  /** The parts of an endpoint an error message must not repeat: user info, query, fragment; the whole first. */
  private static List<String> secrets(String url) {
    List<String> secrets = new ArrayList<>();
    if (url == null || url.isEmpty() || url.equals(redacted(url))) {
      return secrets;
    }
    secrets.add(url);
    int query = indexOfAny(url, '?', '#');
    if (query >= 0 && query + 1 < url.length()) {
      secrets.add(url.substring(query + 1));
    }
    String rest = query >= 0 ? url.substring(0, query) : url;
    int scheme = rest.indexOf("://");
    int authority = scheme < 0 ? 0 : scheme + 3;
    int path = rest.indexOf('/', authority);
    int at = rest.lastIndexOf('@', path < 0 ? rest.length() - 1 : path - 1);
    if (at > authority) {
      secrets.add(rest.substring(authority, at));
    }
    return secrets;
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }

  private static Integer integer(String value) {
    try {
      return value == null ? null : Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null; // autoconfigure rejects it, naming the setting
    }
  }

  /**
   * With {@code otel.traces.exporter=none} autoconfigure adds no processor, and the SDK turns a
   * provider without processors into a no-op: no trace ids for the logs, nothing to propagate.
   * "none" means "do not export", so spans are kept alive and dropped at the end.
   */
  private static final class NotExporting implements SpanProcessor {
    static final NotExporting INSTANCE = new NotExporting();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }

    @Override
    public String toString() {
      return "NotExporting";
    }
  }
}
