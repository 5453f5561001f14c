package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.OtlpProtocol;
import com.englog.observability.tracing.Propagation;
import com.englog.observability.tracing.TracingBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanLimitsBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The SDK settings after precedence: system property > environment variable > code > default, for
 * every standard {@code otel.*} / {@code OTEL_*} name this library supports. Immutable.
 *
 * <p>Not public API.
 */
public final class SdkSettings {

  /** Where spans go. */
  public enum ExporterKind { OTLP, CUSTOM, NONE }

  /** A PEM file read at startup, and where its path came from, for error messages. */
  public static final class PemFile {
    private final byte[] pem;
    private final String source;

    PemFile(byte[] pem, String source) {
      this.pem = pem;
      this.source = source;
    }

    /** The file's bytes (a copy). */
    public byte[] pem() {
      return pem.clone();
    }

    /** E.g. {@code environment variable OTEL_EXPORTER_OTLP_CERTIFICATE (/etc/otel/ca.pem)}. */
    public String source() {
      return source;
    }
  }

  /** Larger than any sane certificate chain; keeps a mistyped path (a log file, /dev/zero) from eating memory. */
  static final long MAX_PEM_BYTES = 1 << 20;

  private static final System.Logger LOG = System.getLogger(SdkSettings.class.getName());

  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");
  static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
  static final AttributeKey<String> DEPLOYMENT_ENVIRONMENT = AttributeKey.stringKey("deployment.environment.name");
  static final String LEGACY_DEPLOYMENT_ENVIRONMENT = "deployment.environment";

  private static final Set<String> PRODUCTION_NAMES = Set.of("production", "prod");
  /** The OTLP compressions the exporters support. */
  public static final Set<String> COMPRESSIONS = Set.of("gzip", "none");

  final Resource resource;
  final String serviceName;
  final String deploymentEnvironment;
  final ExporterKind exporterKind;
  final SpanExporter customExporter;
  final OtlpProtocol protocol;
  final String endpoint;
  final Map<String, String> headers;
  final Duration timeout;
  final String compression;
  final PemFile trustedCertificates;
  final PemFile clientKey;
  final PemFile clientCertificate;
  final Sampler sampler;
  final Set<Propagation> propagations;
  final int maxQueueSize;
  final int maxExportBatchSize;
  final Duration scheduleDelay;
  final Duration exportTimeout;
  final SpanLimits spanLimits;

  private SdkSettings(CodeConfig code, ConfigSource config, Function<String, String> environment) {
    // Resource: SDK defaults < host/process < code < OTEL_RESOURCE_ATTRIBUTES < OTEL_SERVICE_NAME.
    Map<String, String> fromConfig = config.keyValues("otel.resource.attributes");
    String environmentName = firstNonNull(fromConfig.get(DEPLOYMENT_ENVIRONMENT.getKey()),
        fromConfig.get(LEGACY_DEPLOYMENT_ENVIRONMENT), code.deploymentEnvironment);
    String configuredService = config.string("otel.service.name");
    this.serviceName = firstNonNull(configuredService, fromConfig.get(SERVICE_NAME.getKey()),
        code.serviceName, TracingBuilder.DEFAULT_SERVICE_NAME);
    this.deploymentEnvironment = environmentName;

    AttributesBuilder attrs = Attributes.builder()
        .putAll(HostProcessResource.attributes(environment))
        .put(SERVICE_INSTANCE_ID, UUID.randomUUID().toString());
    code.resourceAttributes.forEach(attrs::put);
    if (code.serviceVersion != null) {
      attrs.put(SERVICE_VERSION, code.serviceVersion);
    }
    if (code.deploymentEnvironment != null) {
      attrs.put(DEPLOYMENT_ENVIRONMENT, code.deploymentEnvironment);
    }
    fromConfig.forEach(attrs::put);
    if (environmentName != null) {
      attrs.put(DEPLOYMENT_ENVIRONMENT, environmentName);
    }
    attrs.put(SERVICE_NAME, serviceName);
    this.resource = Resource.getDefault().merge(Resource.create(attrs.build()));

    // Exporter.
    ConfigSource.Setting exporter = config.get("otel.traces.exporter");
    if (exporter != null) {
      String e = exporter.value().toLowerCase(Locale.ROOT);
      if (e.equals("otlp")) {
        this.exporterKind = ExporterKind.OTLP;
      } else if (e.equals("none")) {
        this.exporterKind = ExporterKind.NONE;
      } else {
        throw ConfigSource.invalid(exporter, "otlp or none (Jaeger ingests OTLP; use the Collector for anything else)");
      }
    } else {
      this.exporterKind = code.spanExporter != null ? ExporterKind.CUSTOM : ExporterKind.OTLP;
    }
    this.customExporter = exporterKind == ExporterKind.CUSTOM ? code.spanExporter : null;

    ConfigSource.Setting protocolSetting =
        config.first("otel.exporter.otlp.traces.protocol", "otel.exporter.otlp.protocol");
    OtlpProtocol protocol;
    if (protocolSetting != null) {
      try {
        protocol = OtlpProtocol.fromConfigName(protocolSetting.value());
      } catch (IllegalArgumentException e) {
        throw ConfigSource.invalid(protocolSetting, "http/protobuf or grpc");
      }
    } else {
      protocol = code.otlpProtocol != null ? code.otlpProtocol : TracingBuilder.DEFAULT_OTLP_PROTOCOL;
    }
    this.protocol = protocol;
    this.endpoint = endpoint(code, config, protocol);

    Map<String, String> headers = new LinkedHashMap<>(code.otlpHeaders);
    headers.putAll(config.keyValues(config.get("otel.exporter.otlp.traces.headers") != null
        ? "otel.exporter.otlp.traces.headers" : "otel.exporter.otlp.headers"));
    this.headers = Collections.unmodifiableMap(headers);

    Duration max = Duration.ofMinutes(10);
    Duration timeout = firstNonNull(
        config.duration("otel.exporter.otlp.traces.timeout", Duration.ofMillis(1), max),
        config.duration("otel.exporter.otlp.timeout", Duration.ofMillis(1), max),
        code.otlpTimeout, TracingBuilder.DEFAULT_OTLP_TIMEOUT);
    this.timeout = timeout;

    ConfigSource.Setting compression =
        config.first("otel.exporter.otlp.traces.compression", "otel.exporter.otlp.compression");
    String c = compression != null ? compression.value().toLowerCase(Locale.ROOT)
        : code.otlpCompression != null ? code.otlpCompression : "none";
    if (!COMPRESSIONS.contains(c)) {
      if (compression != null) {
        throw ConfigSource.invalid(compression, "gzip or none");
      }
      throw new IllegalArgumentException("otlpCompression must be gzip or none, was '" + c + "'");
    }
    this.compression = c;

    // TLS: PEM files read (and the certificates parsed) now, so a wrong path fails the build, not every export.
    this.trustedCertificates = pemFile(config, "otel.exporter.otlp.traces.certificate",
        "otel.exporter.otlp.certificate", code.otlpTrustedCertificates, "otlpTrustedCertificates");
    if (trustedCertificates != null) {
      requireCertificates(trustedCertificates);
    }
    this.clientKey = pemFile(config, "otel.exporter.otlp.traces.client.key",
        "otel.exporter.otlp.client.key", code.otlpClientKey, "otlpClientTls key");
    this.clientCertificate = pemFile(config, "otel.exporter.otlp.traces.client.certificate",
        "otel.exporter.otlp.client.certificate", code.otlpClientCertificate, "otlpClientTls certificate");
    if ((clientKey == null) != (clientCertificate == null)) {
      PemFile set = clientKey != null ? clientKey : clientCertificate;
      throw new IllegalArgumentException(set.source() + " is set but the client "
          + (clientKey == null ? "key (OTEL_EXPORTER_OTLP_CLIENT_KEY)" : "certificate (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)")
          + " is not: mutual TLS needs both");
    }
    if (clientCertificate != null) {
      requireCertificates(clientCertificate);
    }

    // Sampling.
    this.sampler = sampler(code, config, environmentName);

    // Propagation.
    ConfigSource.Setting propagators = config.get("otel.propagators");
    if (propagators != null) {
      Set<Propagation> set = new LinkedHashSet<>();
      for (String name : propagators.value().split(",")) {
        String n = name.trim();
        if (n.isEmpty() || n.equalsIgnoreCase("none")) {
          continue;
        }
        try {
          set.add(Propagation.fromConfigName(n));
        } catch (IllegalArgumentException e) {
          throw ConfigSource.invalid(propagators,
              "a comma-separated list of tracecontext, baggage, b3, b3multi, jaeger, or none");
        }
      }
      this.propagations = Collections.unmodifiableSet(set);
    } else {
      this.propagations = Collections.unmodifiableSet(new LinkedHashSet<>(
          code.propagations != null ? code.propagations : TracingBuilder.DEFAULT_PROPAGATIONS));
    }

    // Batch processor.
    this.maxQueueSize = firstNonNull(config.integer("otel.bsp.max.queue.size", 1, 1_000_000),
        code.maxQueueSize, TracingBuilder.DEFAULT_MAX_QUEUE_SIZE);
    Integer batch = firstNonNull(config.integer("otel.bsp.max.export.batch.size", 1, 1_000_000),
        code.maxExportBatchSize);
    // A small queue alone shrinks the default batch with it; only two explicit settings can conflict.
    this.maxExportBatchSize = batch != null ? batch
        : Math.min(TracingBuilder.DEFAULT_MAX_EXPORT_BATCH_SIZE, maxQueueSize);
    if (maxExportBatchSize > maxQueueSize) {
      throw new IllegalArgumentException("maxExportBatchSize (otel.bsp.max.export.batch.size) = "
          + maxExportBatchSize + " must not exceed maxQueueSize (otel.bsp.max.queue.size) = " + maxQueueSize);
    }
    this.scheduleDelay = firstNonNull(
        config.duration("otel.bsp.schedule.delay", Duration.ofMillis(1), Duration.ofHours(1)),
        code.scheduleDelay, TracingBuilder.DEFAULT_SCHEDULE_DELAY);
    this.exportTimeout = firstNonNull(
        config.duration("otel.bsp.export.timeout", Duration.ofMillis(1), Duration.ofHours(1)),
        code.exportTimeout, TracingBuilder.DEFAULT_EXPORT_TIMEOUT);

    SpanLimitsBuilder limits = SpanLimits.builder();
    Integer valueLength = firstNonNull(
        config.integer("otel.span.attribute.value.length.limit", 1, Integer.MAX_VALUE),
        config.integer("otel.attribute.value.length.limit", 1, Integer.MAX_VALUE));
    if (valueLength != null) {
      limits.setMaxAttributeValueLength(valueLength);
    }
    Integer attributeCount = firstNonNull(
        config.integer("otel.span.attribute.count.limit", 1, Integer.MAX_VALUE),
        config.integer("otel.attribute.count.limit", 1, Integer.MAX_VALUE));
    if (attributeCount != null) {
      limits.setMaxNumberOfAttributes(attributeCount);
    }
    Integer events = config.integer("otel.span.event.count.limit", 1, Integer.MAX_VALUE);
    if (events != null) {
      limits.setMaxNumberOfEvents(events);
    }
    Integer links = config.integer("otel.span.link.count.limit", 1, Integer.MAX_VALUE);
    if (links != null) {
      limits.setMaxNumberOfLinks(links);
    }
    this.spanLimits = limits.build();
  }

  public static SdkSettings resolve(CodeConfig code, ConfigSource config, Function<String, String> environment) {
    return new SdkSettings(code, config, environment);
  }

  private static String endpoint(CodeConfig code, ConfigSource config, OtlpProtocol protocol) {
    ConfigSource.Setting signal = config.get("otel.exporter.otlp.traces.endpoint");
    if (signal != null) {
      return validUrl(signal.value(), signal.origin());
    }
    ConfigSource.Setting base = config.get("otel.exporter.otlp.endpoint");
    String url;
    String origin;
    if (base != null) {
      url = base.value();
      origin = base.origin();
    } else if (code.otlpEndpoint != null) {
      url = code.otlpEndpoint;
      origin = "otlpEndpoint";
    } else {
      url = "http://localhost:" + protocol.defaultPort();
      origin = "default";
    }
    validUrl(url, origin);
    if (protocol == OtlpProtocol.GRPC) {
      return url;
    }
    return (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/v1/traces";
  }

  private static PemFile pemFile(ConfigSource config, String signalProperty, String property, Path code,
      String codeName) {
    ConfigSource.Setting setting = config.first(signalProperty, property);
    String origin;
    Path path;
    if (setting != null) {
      origin = setting.origin();
      try {
        path = Path.of(setting.value());
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(origin + " must be the path of a PEM file, was '" + setting.value() + "'");
      }
    } else if (code != null) {
      origin = "builder " + codeName;
      path = code;
    } else {
      return null;
    }
    String source = origin + " (" + path + ")";
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(source + ": no such file (a PEM file the process can read is needed)");
    }
    try {
      long size = Files.size(path);
      if (size > MAX_PEM_BYTES) {
        throw new IllegalArgumentException(source + ": " + size + " bytes is too large for a PEM file (at most "
            + MAX_PEM_BYTES + ")");
      }
      byte[] pem = Files.readAllBytes(path);
      if (pem.length == 0) {
        throw new IllegalArgumentException(source + ": the file is empty");
      }
      return new PemFile(pem, source);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": cannot read the file (" + e + ")");
    }
  }

  private static void requireCertificates(PemFile file) {
    try {
      if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(file.pem)).isEmpty()) {
        throw new CertificateException("no certificate");
      }
    } catch (CertificateException e) {
      // The cause's message may quote the file; a path and a shape are enough to fix it.
      throw new IllegalArgumentException(file.source()
          + " is not a PEM file of X.509 certificates (-----BEGIN CERTIFICATE----- blocks)");
    }
  }

  private static String validUrl(String url, String origin) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // Not chained: the cause's message repeats the whole value.
      throw new IllegalArgumentException(origin + " is not a valid URL: '" + redacted(url) + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(origin + " must be an http:// or https:// URL with a host,"
          + " e.g. http://otel-collector:4318, was '" + redacted(url) + "'");
    }
    return url;
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

  private static Sampler sampler(CodeConfig code, ConfigSource config, String environmentName) {
    ConfigSource.Setting name = config.get("otel.traces.sampler");
    ConfigSource.Setting arg = config.get("otel.traces.sampler.arg");
    double ratio;
    if (arg != null) {
      ratio = ConfigSource.parseNumber(arg, 0.0, 1.0);
    } else if (code.sampleRatio != null) {
      ratio = code.sampleRatio;
    } else {
      ratio = defaultRatio(environmentName);
    }
    if (name == null) {
      if (code.sampler != null) {
        // The ratio is the argument of the built-in samplers only: it cannot tune a sampler of the
        // application's own, and silently swapping that sampler for a ratio one would undo the code.
        if (arg != null) {
          LOG.log(System.Logger.Level.WARNING, "EngLog tracing: " + arg.origin() + " is ignored: the"
              + " application set its own sampler in code (" + code.sampler.getDescription() + "), which a"
              + " ratio cannot adjust; set OTEL_TRACES_SAMPLER too (e.g. parentbased_traceidratio) to"
              + " replace it");
        }
        return code.sampler;
      }
      return Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
    }
    switch (name.value().toLowerCase(Locale.ROOT)) {
      case "always_on":
        return Sampler.alwaysOn();
      case "always_off":
        return Sampler.alwaysOff();
      case "traceidratio":
        return Sampler.traceIdRatioBased(ratio);
      case "parentbased_always_on":
        return Sampler.parentBased(Sampler.alwaysOn());
      case "parentbased_always_off":
        return Sampler.parentBased(Sampler.alwaysOff());
      case "parentbased_traceidratio":
        return Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
      default:
        throw ConfigSource.invalid(name, "one of always_on, always_off, traceidratio, parentbased_always_on,"
            + " parentbased_always_off, parentbased_traceidratio");
    }
  }

  /** Every trace in development, test and staging; a tenth in production (see docs/tracing.md). */
  public static double defaultRatio(String deploymentEnvironment) {
    if (deploymentEnvironment != null
        && PRODUCTION_NAMES.contains(deploymentEnvironment.trim().toLowerCase(Locale.ROOT))) {
      return TracingBuilder.DEFAULT_PRODUCTION_SAMPLE_RATIO;
    }
    return TracingBuilder.DEFAULT_SAMPLE_RATIO;
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  public Resource resource() {
    return resource;
  }

  public String serviceName() {
    return serviceName;
  }

  public String deploymentEnvironment() {
    return deploymentEnvironment;
  }

  public ExporterKind exporterKind() {
    return exporterKind;
  }

  public OtlpProtocol protocol() {
    return protocol;
  }

  /** The exporter's URL: {@code …/v1/traces} for HTTP, the base for gRPC. */
  public String endpoint() {
    return endpoint;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public Duration timeout() {
    return timeout;
  }

  public String compression() {
    return compression;
  }

  /** The CA certificates to trust instead of the JVM's, or null. */
  public PemFile trustedCertificates() {
    return trustedCertificates;
  }

  /** The client's private key for mutual TLS, or null (then {@link #clientCertificate()} is null too). */
  public PemFile clientKey() {
    return clientKey;
  }

  /** The client's certificate for mutual TLS, or null. */
  public PemFile clientCertificate() {
    return clientCertificate;
  }

  public Sampler sampler() {
    return sampler;
  }

  public Set<Propagation> propagations() {
    return propagations;
  }

  public int maxQueueSize() {
    return maxQueueSize;
  }

  public int maxExportBatchSize() {
    return maxExportBatchSize;
  }

  public Duration scheduleDelay() {
    return scheduleDelay;
  }

  public Duration exportTimeout() {
    return exportTimeout;
  }

  public SpanLimits spanLimits() {
    return spanLimits;
  }

  /** For the startup log line: no header values, no credentials or query in the endpoint. */
  public String describe() {
    StringBuilder sb = new StringBuilder()
        .append("service=").append(serviceName)
        .append(deploymentEnvironment == null ? "" : " environment=" + deploymentEnvironment)
        .append(" exporter=");
    switch (exporterKind) {
      case OTLP:
        sb.append("otlp ").append(protocol.configName()).append(' ').append(redacted(endpoint))
            .append(headers.isEmpty() ? "" : " headers=" + headers.keySet())
            .append(" compression=").append(compression)
            .append(trustedCertificates == null ? "" : " trust=" + trustedCertificates.source())
            .append(clientCertificate == null ? "" : " clientCertificate=" + clientCertificate.source());
        break;
      case CUSTOM:
        sb.append(customExporter);
        break;
      default:
        sb.append("none");
    }
    return sb.append(" sampler=").append(sampler.getDescription())
        .append(" propagators=").append(propagations)
        .append(" queue=").append(maxQueueSize)
        .append(" batch=").append(maxExportBatchSize)
        .toString();
  }
}
