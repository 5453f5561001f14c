package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.SelfSignedCertificate;
import com.englog.observability.tracing.internal.CodeConfig;
import com.englog.observability.tracing.internal.ConfigSource;
import com.englog.observability.tracing.internal.SdkSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN.md's precedence, system property > environment variable > code > default, for each setting. */
class TracingConfigurationTest {

  private static SdkSettings resolve(CodeConfig code, Map<String, String> props, Map<String, String> env) {
    return SdkSettings.resolve(code, new ConfigSource(props::get, env::get), env::get);
  }

  private static SdkSettings resolve(Map<String, String> props, Map<String, String> env) {
    return resolve(new CodeConfig(), props, env);
  }

  private static String resource(SdkSettings s, String key) {
    Resource r = s.resource();
    Object v = r.getAttributes().get(AttributeKey.stringKey(key));
    return v == null ? null : v.toString();
  }

  @Test
  void serviceNameFollowsPropertyThenEnvironmentThenCodeThenDefault() {
    CodeConfig code = new CodeConfig();
    code.serviceName = "from-code";

    assertThat(resolve(code, Map.of("otel.service.name", "from-property"),
        Map.of("OTEL_SERVICE_NAME", "from-env")).serviceName()).isEqualTo("from-property");
    assertThat(resolve(code, Map.of(), Map.of("OTEL_SERVICE_NAME", "from-env")).serviceName()).isEqualTo("from-env");
    assertThat(resolve(code, Map.of(), Map.of()).serviceName()).isEqualTo("from-code");
    assertThat(resolve(Map.of(), Map.of()).serviceName()).isEqualTo(TracingBuilder.DEFAULT_SERVICE_NAME);
    assertThat(resolve(code, Map.of(), Map.of("OTEL_SERVICE_NAME", "  ")).serviceName())
        .as("blank counts as unset").isEqualTo("from-code");
  }

  @Test
  void resourceAttributesFromTheEnvironmentOverrideCodeAndArePercentDecoded() {
    CodeConfig code = new CodeConfig();
    code.serviceName = "from-code";
    code.serviceVersion = "1.0.0";
    code.deploymentEnvironment = "staging";
    SdkSettings s = resolve(code, Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES",
        "service.version=2.0.0, team=journal%20core,deployment.environment.name=production,service.name=env-name"));

    assertThat(resource(s, "service.version")).isEqualTo("2.0.0");
    assertThat(resource(s, "team")).isEqualTo("journal core");
    assertThat(resource(s, "deployment.environment.name")).isEqualTo("production");
    assertThat(s.serviceName()).isEqualTo("env-name");
    assertThat(resource(s, "service.name")).isEqualTo("env-name");
  }

  @Test
  void otelServiceNameWinsOverServiceNameInResourceAttributes() {
    SdkSettings s = resolve(Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.name=a", "OTEL_SERVICE_NAME", "b"));
    assertThat(resource(s, "service.name")).isEqualTo("b");
  }

  @Test
  void theResourceDescribesHostProcessAndSdk() {
    SdkSettings s = resolve(Map.of(), Map.of("HOSTNAME", "api-7f9c"));

    assertThat(resource(s, "host.name")).isEqualTo("api-7f9c");
    assertThat(resource(s, "os.type")).isNotBlank();
    assertThat(s.resource().getAttributes().get(AttributeKey.longKey("process.pid")))
        .isEqualTo(ProcessHandle.current().pid());
    assertThat(resource(s, "process.runtime.version")).isEqualTo(System.getProperty("java.runtime.version"));
    assertThat(resource(s, "telemetry.sdk.language")).isEqualTo("java");
    assertThat(resource(s, "service.instance.id")).hasSize(36);
    assertThat(s.resource().getAttributes().asMap().keySet())
        .extracting(AttributeKey::getKey).doesNotContain("process.command_line", "process.command_args");
  }

  @Test
  void endpointFollowsPrecedenceAndGetsTheTracesPathForHttp() {
    CodeConfig code = new CodeConfig();
    code.otlpEndpoint = "http://code:4318";

    assertThat(resolve(Map.of(), Map.of()).endpoint()).isEqualTo("http://localhost:4318/v1/traces");
    assertThat(resolve(code, Map.of(), Map.of()).endpoint()).isEqualTo("http://code:4318/v1/traces");
    assertThat(resolve(code, Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318/")).endpoint())
        .isEqualTo("http://env:4318/v1/traces");
    assertThat(resolve(code, Map.of("otel.exporter.otlp.endpoint", "https://prop:443"),
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318")).endpoint()).isEqualTo("https://prop:443/v1/traces");
    assertThat(resolve(code, Map.of("otel.exporter.otlp.endpoint", "https://prop:443"),
        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://signal:9999/custom")).endpoint())
        .as("the signal-specific endpoint is used as is and beats the base one").isEqualTo("http://signal:9999/custom");
    assertThat(resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")).endpoint())
        .isEqualTo("http://localhost:4317");
  }

  @Test
  void samplerDefaultsToEveryTraceExceptInProduction() {
    assertThat(resolve(Map.of(), Map.of()).sampler().getDescription()).contains("TraceIdRatioBased{1.000000}");
    CodeConfig production = new CodeConfig();
    production.deploymentEnvironment = "production";
    assertThat(resolve(production, Map.of(), Map.of()).sampler().getDescription())
        .startsWith("ParentBased{root:TraceIdRatioBased{0.100000}");
    CodeConfig staging = new CodeConfig();
    staging.deploymentEnvironment = "staging";
    assertThat(resolve(staging, Map.of(), Map.of()).sampler().getDescription()).contains("TraceIdRatioBased{1.000000}");
  }

  @Test
  void samplerAndRatioFollowPrecedence() {
    CodeConfig code = new CodeConfig();
    code.sampleRatio = 0.5;
    assertThat(resolve(code, Map.of(), Map.of()).sampler().getDescription()).contains("{0.500000}");
    assertThat(resolve(code, Map.of(), Map.of("OTEL_TRACES_SAMPLER_ARG", "0.25")).sampler().getDescription())
        .contains("{0.250000}");
    assertThat(resolve(code, Map.of("otel.traces.sampler.arg", "0.75"), Map.of("OTEL_TRACES_SAMPLER_ARG", "0.25"))
        .sampler().getDescription()).contains("{0.750000}");
    assertThat(resolve(code, Map.of(), Map.of("OTEL_TRACES_SAMPLER", "always_off")).sampler())
        .isEqualTo(Sampler.alwaysOff());
    assertThat(resolve(Map.of(), Map.of("OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.3"))
        .sampler().getDescription()).isEqualTo("TraceIdRatioBased{0.300000}");

    CodeConfig custom = new CodeConfig();
    custom.sampler = Sampler.alwaysOff();
    assertThat(resolve(custom, Map.of(), Map.of()).sampler()).isSameAs(Sampler.alwaysOff());
    assertThat(resolve(custom, Map.of(), Map.of("OTEL_TRACES_SAMPLER", "parentbased_always_on")).sampler()
        .getDescription()).startsWith("ParentBased{root:AlwaysOnSampler");
  }

  @Test
  void aSamplerArgAloneAdjustsOnlyTheBuiltInRatioAndIsIgnoredWithAWarningOverASamplerSetInCode() {
    Logger jul = Logger.getLogger(SdkSettings.class.getName());
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(handler);
    jul.setUseParentHandlers(false); // the expected WARNING is asserted, not printed
    try {
      Sampler own = Sampler.parentBased(Sampler.alwaysOn());
      CodeConfig custom = new CodeConfig();
      custom.sampler = own;
      custom.sampleRatio = 0.5;

      assertThat(resolve(custom, Map.of(), Map.of("OTEL_TRACES_SAMPLER_ARG", "0.25")).sampler()).isSameAs(own);
      assertThat(records).singleElement().satisfies(r -> {
        assertThat(r.getLevel()).isEqualTo(Level.WARNING);
        assertThat(r.getMessage()).contains("environment variable OTEL_TRACES_SAMPLER_ARG is ignored",
            "set OTEL_TRACES_SAMPLER too");
      });

      records.clear();
      assertThat(resolve(custom, Map.of(), Map.of()).sampler()).isSameAs(own);
      assertThat(records).as("no warning without the arg").isEmpty();
      assertThat(resolve(custom, Map.of(), Map.of("OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
          "OTEL_TRACES_SAMPLER_ARG", "0.25")).sampler().getDescription())
          .as("with the sampler named too, the operator replaces the code's")
          .startsWith("ParentBased{root:TraceIdRatioBased{0.250000}");
      CodeConfig ratio = new CodeConfig();
      ratio.sampleRatio = 0.5;
      assertThat(resolve(ratio, Map.of(), Map.of("OTEL_TRACES_SAMPLER_ARG", "0.25")).sampler().getDescription())
          .startsWith("ParentBased{root:TraceIdRatioBased{0.250000}");
      assertThat(records).isEmpty();
    } finally {
      jul.removeHandler(handler);
      jul.setUseParentHandlers(true);
    }
  }

  @Test
  void propagatorsFollowPrecedence() {
    CodeConfig code = new CodeConfig();
    code.propagations = java.util.EnumSet.of(Propagation.B3);
    assertThat(resolve(Map.of(), Map.of()).propagations()).containsExactly(Propagation.TRACECONTEXT, Propagation.BAGGAGE);
    assertThat(resolve(code, Map.of(), Map.of()).propagations()).containsExactly(Propagation.B3);
    assertThat(resolve(code, Map.of(), Map.of("OTEL_PROPAGATORS", "tracecontext, b3multi,jaeger")).propagations())
        .containsExactly(Propagation.TRACECONTEXT, Propagation.B3_MULTI, Propagation.JAEGER);
    assertThat(resolve(code, Map.of(), Map.of("OTEL_PROPAGATORS", "none")).propagations()).isEmpty();
  }

  @Test
  void batchQueueSettingsFollowPrecedence() {
    CodeConfig code = new CodeConfig();
    code.maxQueueSize = 100;
    code.scheduleDelay = Duration.ofMillis(200);
    SdkSettings s = resolve(code, Map.of("otel.bsp.schedule.delay", "2s"),
        Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "4096", "OTEL_BSP_EXPORT_TIMEOUT", "1500", "OTEL_BSP_SCHEDULE_DELAY", "50"));
    assertThat(s.maxQueueSize()).isEqualTo(4096);
    assertThat(s.scheduleDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.exportTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.maxExportBatchSize()).isEqualTo(TracingBuilder.DEFAULT_MAX_EXPORT_BATCH_SIZE);
    assertThat(resolve(code, Map.of(), Map.of()).maxQueueSize()).isEqualTo(100);
    assertThat(resolve(code, Map.of(), Map.of()).maxExportBatchSize()).as("shrinks with the queue").isEqualTo(100);
  }

  @Test
  void headersMergeCodeAndConfigurationAndTheirValuesNeverReachTheDescription() {
    CodeConfig code = new CodeConfig();
    code.otlpHeaders.put("x-tenant", "englog");
    code.otlpHeaders.put("authorization", "Bearer from-code");
    SdkSettings s = resolve(code, Map.of(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr3t"));

    assertThat(s.headers()).containsEntry("authorization", "Bearer s3cr3t").containsEntry("x-tenant", "englog");
    assertThat(s.describe()).contains("authorization").doesNotContain("s3cr3t", "from-code");
  }

  @Test
  void spanLimitsComeFromTheStandardNames() {
    SdkSettings s = resolve(Map.of(), Map.of("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "1024",
        "OTEL_ATTRIBUTE_COUNT_LIMIT", "64", "OTEL_SPAN_EVENT_COUNT_LIMIT", "10"));
    assertThat(s.spanLimits().getMaxAttributeValueLength()).isEqualTo(1024);
    assertThat(s.spanLimits().getMaxNumberOfAttributes()).isEqualTo(64);
    assertThat(s.spanLimits().getMaxNumberOfEvents()).isEqualTo(10);
  }

  @Test
  void invalidValuesAreClearErrorsNamingTheSettingItsOriginAndTheAllowedValues() {
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_TRACES_SAMPLER_ARG", "half")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("environment variable OTEL_TRACES_SAMPLER_ARG must be a number in [0.0, 1.0], was 'half'");
    assertThatThrownBy(() -> resolve(Map.of("otel.bsp.max.queue.size", "0"), Map.of()))
        .hasMessage("system property otel.bsp.max.queue.size must be an integer in [1, 1000000], was '0'");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_TRACES_SAMPLER", "jaeger_remote")))
        .hasMessageContaining("OTEL_TRACES_SAMPLER must be one of always_on");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_PROPAGATORS", "tracecontext,xray")))
        .hasMessageContaining("OTEL_PROPAGATORS must be a comma-separated list of tracecontext");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or grpc");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
        .hasMessageContaining("OTEL_TRACES_EXPORTER must be otlp or none");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_BSP_SCHEDULE_DELAY", "soon")))
        .hasMessageContaining("OTEL_BSP_SCHEDULE_DELAY must be a duration");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization")))
        .hasMessageContaining("entry 1 is not key=value");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "10", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "20")))
        .hasMessageContaining("must not exceed maxQueueSize");
  }

  @Test
  void tlsFilesFollowPrecedenceSignalFirstAndAreReadAtStartup(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "127.0.0.1");
    String pem = cert.certificatePem().toString();
    CodeConfig code = new CodeConfig();
    code.otlpTrustedCertificates = dir.resolve("from-code.pem");
    Files.copy(cert.certificatePem(), code.otlpTrustedCertificates);

    assertThat(resolve(code, Map.of(), Map.of()).trustedCertificates().source())
        .isEqualTo("builder otlpTrustedCertificates (" + code.otlpTrustedCertificates + ")");
    assertThat(resolve(code, Map.of(), Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", pem)).trustedCertificates().source())
        .isEqualTo("environment variable OTEL_EXPORTER_OTLP_CERTIFICATE (" + pem + ")");
    assertThat(resolve(code, Map.of("otel.exporter.otlp.certificate", pem),
        Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent")).trustedCertificates().source())
        .startsWith("system property otel.exporter.otlp.certificate");
    assertThat(resolve(code, Map.of("otel.exporter.otlp.certificate", "/nonexistent"),
        Map.of("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", pem)).trustedCertificates().source())
        .as("the signal-specific name beats the general one, as for the endpoint")
        .startsWith("environment variable OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE");
    assertThat(resolve(code, Map.of(), Map.of()).trustedCertificates().pem())
        .isEqualTo(Files.readAllBytes(cert.certificatePem()));

    SdkSettings mutual = resolve(Map.of(), Map.of(
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", cert.privateKeyPem().toString(),
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", pem));
    assertThat(mutual.clientKey().source()).startsWith("environment variable OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY");
    assertThat(mutual.clientCertificate().source()).startsWith("environment variable OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE");
    assertThat(mutual.describe()).as("paths, never key material").contains("clientCertificate=", pem)
        .doesNotContain("PRIVATE KEY");
    assertThat(resolve(Map.of(), Map.of()).trustedCertificates()).isNull();
  }

  @Test
  void aMissingUnreadableOrInvalidTlsFileFailsTheBuildNamingTheSettingAndPath(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("environment variable OTEL_EXPORTER_OTLP_CERTIFICATE (" + missing
            + "): no such file (a PEM file the process can read is needed)");
    assertThatThrownBy(() -> resolve(Map.of("otel.exporter.otlp.traces.client.certificate", dir.toString()),
        Map.of())).hasMessageContaining("system property otel.exporter.otlp.traces.client.certificate (" + dir + ")")
        .hasMessageContaining("no such file");

    Path notPem = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
        + "-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> resolve(Map.of("otel.exporter.otlp.certificate", notPem.toString()), Map.of()))
        .hasMessage("system property otel.exporter.otlp.certificate (" + notPem
            + ") is not a PEM file of X.509 certificates (-----BEGIN CERTIFICATE----- blocks)");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", empty.toString())))
        .hasMessageContaining(empty + "): the file is empty");

    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "127.0.0.1");
    assertThatThrownBy(() -> resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_CLIENT_KEY", cert.privateKeyPem().toString())))
        .hasMessage("environment variable OTEL_EXPORTER_OTLP_CLIENT_KEY (" + cert.privateKeyPem() + ") is set but the"
            + " client certificate (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) is not: mutual TLS needs both");

    Path badKey = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n"
        + "-----END PRIVATE KEY-----\n");
    TracingBuilder b = Tracing.builder().registerShutdownHook(false).configuration(Map.of(), Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:4318",
        "OTEL_EXPORTER_OTLP_CLIENT_KEY", badKey.toString(),
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", cert.certificatePem().toString()));
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("environment variable OTEL_EXPORTER_OTLP_CLIENT_KEY (" + badKey + ") and environment"
            + " variable OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE (" + cert.certificatePem() + ") are not a usable client"
            + " key and certificate");
  }

  @Test
  void builderValidationNamesTheFieldAndTheRange() {
    TracingBuilder b = Tracing.builder();
    assertThatThrownBy(() -> b.sampleRatio(1.5)).hasMessage("ratio must be in [0.0, 1.0], was 1.5");
    assertThatThrownBy(() -> b.maxQueueSize(0)).hasMessage("maxQueueSize must be at least 1, was 0");
    assertThatThrownBy(() -> b.databaseServer("db", 70000)).hasMessage("port must be in [1, 65535], was 70000");
    assertThatThrownBy(() -> b.serviceName(" ")).hasMessage("serviceName must not be blank");
    assertThatThrownBy(() -> b.serviceName(null)).isInstanceOf(NullPointerException.class).hasMessage("serviceName");
    assertThatThrownBy(() -> b.otlpTimeout(Duration.ZERO)).hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> b.otlpCompression("zstd")).hasMessage("compression must be gzip or none, was 'zstd'");
  }

  @Test
  void otelSdkDisabledGivesATracingThatRecordsNothingButStillPropagates() {
    try (Tracing tracing = Tracing.builder().configuration(Map.of(), Map.of("OTEL_SDK_DISABLED", "true")).build()) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.DISABLED);
      assertThat(tracing.traceDbQuery("select", "journals", () -> 7)).isEqualTo(7);
      assertThat(tracing.propagator().fields()).contains("traceparent", "baggage");
    }
  }

  @Test
  void exporterNoneKeepsSpansAliveButExportsNothing() {
    try (Tracing tracing = Tracing.builder().registerShutdownHook(false)
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).build()) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.SDK);
      String traceId = tracing.traceDbQuery("select", "journals",
          () -> io.opentelemetry.api.trace.Span.current().getSpanContext().getTraceId());
      assertThat(traceId).as("spans still exist for log correlation and propagation").matches("[0-9a-f]{32}")
          .isNotEqualTo("00000000000000000000000000000000");
      assertThat(tracing.forceFlush(Duration.ofSeconds(5))).isTrue();
      assertThat(tracing.exportedSpans()).isZero();
      assertThat(tracing.toString()).contains("exporter=none");
    }
  }

  @Test
  void theEnvironmentBeatsACustomExporterInCode() {
    try (InMemoryTracing memory = new InMemoryTracing(b -> b.configuration(Map.of(),
        Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")))) {
      assertThat(memory.tracing.toString()).contains("exporter=otlp http/protobuf http://127.0.0.1:9/v1/traces");
    }
  }

  @Test
  void grpcWithoutAGrpcSenderIsAClearErrorAtStartup() {
    TracingBuilder b = Tracing.builder().registerShutdownHook(false)
        .configuration(Map.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OTLP protocol grpc needs a gRPC sender on the class path")
        .hasMessageContaining("opentelemetry-exporter-sender-okhttp");
  }

  @Test
  void codeOnlySettingsReachTheSdk() {
    try (Tracing tracing = Tracing.builder().serviceName("englog-api").otlpEndpoint("http://collector:4318")
        .otlpCompression("gzip").propagations(Propagation.TRACECONTEXT, Propagation.B3).registerShutdownHook(false)
        .configuration(Map.of(), Map.of()).build()) {
      assertThat(tracing.toString())
          .contains("service=englog-api", "http://collector:4318/v1/traces", "compression=gzip", "[TRACECONTEXT, B3]");
      assertThat(tracing.propagator().fields()).contains("traceparent", "b3");
      assertThat(List.copyOf(tracing.propagator().fields())).doesNotContain("baggage");
    }
  }
}
