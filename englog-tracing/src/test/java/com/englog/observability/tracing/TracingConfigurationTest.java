package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.SelfSignedCertificate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The precedence OpenTelemetry's autoconfigure applies, system property > environment variable >
 * code > EngLog's default, for each kind of setting, through the builder's injected system
 * properties and environment; and EngLog's defaults where they differ from autoconfigure's.
 */
class TracingConfigurationTest {

  private static Tracing build(Map<String, String> props, Map<String, String> env, UnaryOperator<Tracing.Builder> code) {
    return code.apply(Tracing.builder()).configuration(props, env).build();
  }

  private static Tracing build(Map<String, String> props, Map<String, String> env) {
    return build(props, env, b -> b);
  }

  private static SdkTracerProvider provider(Tracing tracing) {
    assertThat(tracing.mode()).isEqualTo(Tracing.Mode.SDK);
    return ((OpenTelemetrySdk) tracing.openTelemetry()).getSdkTracerProvider();
  }

  private static Sampler sampler(Map<String, String> props, Map<String, String> env, UnaryOperator<Tracing.Builder> code) {
    try (Tracing tracing = build(props, env, b -> code.apply(b.property("otel.traces.exporter", "none")))) {
      return provider(tracing).getSampler();
    }
  }

  /** The resource of a span exported into memory. */
  private static Resource resource(Map<String, String> env, UnaryOperator<Tracing.Builder> code) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (Tracing tracing = build(Map.of(), env,
        b -> code.apply(b.spanExporter(exporter).property("otel.traces.sampler", "always_on")))) {
      tracing.inSpan("probe", null, null, () -> {});
      assertThat(tracing.forceFlush(Duration.ofSeconds(30))).isTrue();
      return exporter.getFinishedSpanItems().get(0).getResource();
    }
  }

  private static String attribute(Resource resource, String key) {
    return resource.getAttribute(AttributeKey.stringKey(key));
  }

  private static String describe(Map<String, String> props, Map<String, String> env, UnaryOperator<Tracing.Builder> code) {
    try (Tracing tracing = build(props, env, code)) {
      return tracing.toString();
    }
  }

  @Test
  void serviceNameFollowsPropertyThenEnvironmentThenCodeThenDefault() {
    try (Tracing tracing = build(Map.of("otel.service.name", "from-property"), Map.of("OTEL_SERVICE_NAME", "from-env"),
        b -> b.serviceName("from-code"))) {
      assertThat(tracing.toString()).contains("service=from-property");
    }
    assertThat(attribute(resource(Map.of("OTEL_SERVICE_NAME", "from-env"), b -> b.serviceName("from-code")),
        "service.name")).isEqualTo("from-env");
    assertThat(attribute(resource(Map.of(), b -> b.serviceName("from-code")), "service.name")).isEqualTo("from-code");
    assertThat(attribute(resource(Map.of(), b -> b), "service.name")).isEqualTo("unknown_service:java");
  }

  @Test
  void resourceAttributesFromTheEnvironmentReplaceThoseSetInCodeAndArePercentDecoded() {
    Resource r = resource(Map.of("OTEL_RESOURCE_ATTRIBUTES",
            "service.version=2.0.0,city=K%C3%B6ln,deployment.environment.name=production,service.name=env-name"),
        b -> b.serviceName("from-code").property("otel.resource.attributes", "service.version=1.0.0,team=core"));

    assertThat(attribute(r, "service.version")).isEqualTo("2.0.0");
    assertThat(attribute(r, "city")).isEqualTo("Köln");
    assertThat(attribute(r, "deployment.environment.name")).isEqualTo("production");
    assertThat(attribute(r, "team")).as("one setting: the environment's value replaces the code's whole").isNull();
    assertThat(attribute(r, "service.name")).as("otel.service.name beats service.name in the attributes")
        .isEqualTo("from-code");
  }

  @Test
  void theResourceDescribesHostProcessAndSdkUnderTheConfiguredAttributes() {
    Resource r = resource(Map.of("HOSTNAME", "api-7f9c"), b -> b);
    assertThat(attribute(r, "host.name")).isEqualTo("api-7f9c");
    assertThat(attribute(r, "os.type")).isNotBlank();
    assertThat(r.getAttribute(AttributeKey.longKey("process.pid"))).isEqualTo(ProcessHandle.current().pid());
    assertThat(attribute(r, "process.runtime.version")).isEqualTo(System.getProperty("java.runtime.version"));
    assertThat(attribute(r, "telemetry.sdk.language")).isEqualTo("java");
    assertThat(attribute(r, "service.instance.id")).hasSize(36);
    assertThat(r.getAttributes().asMap().keySet())
        .extracting(AttributeKey::getKey).doesNotContain("process.command_line", "process.command_args");

    assertThat(attribute(resource(Map.of("HOSTNAME", "api-7f9c", "OTEL_RESOURCE_ATTRIBUTES", "host.name=pod-1"),
        b -> b), "host.name")).as("configured attributes win").isEqualTo("pod-1");
  }

  @Test
  void endpointFollowsPrecedenceAndGetsTheTracesPathForHttp() {
    UnaryOperator<Tracing.Builder> code = b -> b.property("otel.exporter.otlp.endpoint", "http://code:4318");

    assertThat(describe(Map.of(), Map.of(), b -> b)).contains("exporter=otlp http/protobuf http://localhost:4318/v1/traces");
    assertThat(describe(Map.of(), Map.of(), code)).contains("http://code:4318/v1/traces");
    assertThat(describe(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318/"), code))
        .contains("http://env:4318/v1/traces");
    assertThat(describe(Map.of("otel.exporter.otlp.endpoint", "https://prop:443"),
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318"), code)).contains("https://prop:443/v1/traces");
    assertThat(describe(Map.of("otel.exporter.otlp.endpoint", "https://prop:443"),
        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://signal:9999/custom"), code))
        .as("the signal-specific endpoint is used as is and beats the base one").contains("http://signal:9999/custom ");
  }

  @Test
  void credentialsInTheEndpointNeverReachTheDescriptionOrErrors() {
    assertThat(describe(Map.of(), Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "https://tenant:s3cr3t@collector.example:4318/v1/traces"), b -> b))
        .contains("https://***@collector.example:4318/v1/traces").doesNotContain("s3cr3t", "tenant");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:s3cr3t@collector:4318?key=k3y")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variable OTEL_EXPORTER_OTLP_ENDPOINT")
        .hasMessageNotContaining("s3cr3t").hasMessageNotContaining("k3y").hasNoCause();
  }

  @Test
  void samplerDefaultsToEveryTraceExceptInProduction() {
    Sampler everywhere = sampler(Map.of(), Map.of(), b -> b);
    assertThat(rootShare(everywhere)).isEqualTo(1.0);
    assertThat(underRemoteParent(everywhere, false)).as("a parent's decision is followed")
        .isEqualTo(SamplingDecision.DROP);
    Sampler production = sampler(Map.of(), Map.of(), b -> b.property("otel.resource.attributes",
        "deployment.environment.name=production"));
    assertThat(rootShare(production)).isEqualTo(0.1);
    assertThat(underRemoteParent(production, true)).as("a parent's decision is followed")
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(rootShare(sampler(Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod"), b -> b)))
        .as("the older key, set by the operator").isEqualTo(0.1);
    assertThat(rootShare(sampler(Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging"),
        b -> b.property("otel.resource.attributes", "deployment.environment.name=production"))))
        .as("the environment's resource attributes decide").isEqualTo(1.0);
  }

  @Test
  void samplerAndRatioFollowPrecedence() {
    UnaryOperator<Tracing.Builder> half = b -> b.property("otel.traces.sampler.arg", "0.5");
    assertThat(rootShare(sampler(Map.of(), Map.of(), half))).isEqualTo(0.5);
    assertThat(rootShare(sampler(Map.of(), Map.of("OTEL_TRACES_SAMPLER_ARG", "0.25"), half))).isEqualTo(0.25);
    assertThat(rootShare(sampler(Map.of("otel.traces.sampler.arg", "0.75"), Map.of("OTEL_TRACES_SAMPLER_ARG", "0.25"),
        half))).isEqualTo(0.75);
    Sampler off = sampler(Map.of(), Map.of("OTEL_TRACES_SAMPLER", "always_off"), half);
    assertThat(rootShare(off)).isZero();
    assertThat(underRemoteParent(off, true)).isEqualTo(SamplingDecision.DROP);
    Sampler ratio = sampler(Map.of(), Map.of("OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.3"),
        b -> b);
    assertThat(rootShare(ratio)).isEqualTo(0.3);
    assertThat(underRemoteParent(ratio, true)).as("the ratio alone ignores the parent")
        .isEqualTo(SamplingDecision.DROP);
    Sampler parentOrOn = sampler(Map.of(), Map.of("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
        b -> b.property("otel.traces.sampler", "always_off"));
    assertThat(rootShare(parentOrOn)).isEqualTo(1.0);
    assertThat(underRemoteParent(parentOrOn, false)).isEqualTo(SamplingDecision.DROP);
  }

  /** A trace id whose random part (its last 16 hex digits) is {@code fraction} of the largest one. */
  private static String traceId(double fraction) {
    return "0af7651916cd43dd" + String.format("%016x", (long) (fraction * Long.MAX_VALUE));
  }

  private static SamplingDecision decide(Sampler sampler, Context parent, String traceId) {
    return sampler.shouldSample(parent, traceId, "probe", SpanKind.INTERNAL, Attributes.empty(), List.of())
        .getDecision();
  }

  /** Of 100 root spans whose trace ids are spread evenly over the id space, the share the sampler keeps. */
  private static double rootShare(Sampler sampler) {
    int kept = 0;
    for (int k = 0; k < 100; k++) {
      if (decide(sampler, Context.root(), traceId((k + 0.5) / 100)) == SamplingDecision.RECORD_AND_SAMPLE) {
        kept++;
      }
    }
    return kept / 100.0;
  }

  /** The decision for a child of a remote parent, for a trace id that every ratio below one drops. */
  private static SamplingDecision underRemoteParent(Sampler sampler, boolean parentSampled) {
    String traceId = traceId(0.995);
    SpanContext parent = SpanContext.createFromRemoteParent(traceId, "b7ad6b7169203331",
        parentSampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
    return decide(sampler, Context.root().with(Span.wrap(parent)), traceId);
  }

  @Test
  void propagatorsFollowPrecedence() {
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none"))) {
      assertThat(tracing.propagator().fields()).containsExactlyInAnyOrder("traceparent", "tracestate", "baggage");
    }
    UnaryOperator<Tracing.Builder> b3 = b -> b.property("otel.propagators", "b3").property("otel.traces.exporter", "none");
    try (Tracing tracing = build(Map.of(), Map.of(), b3)) {
      assertThat(tracing.propagator().fields()).containsExactly("b3");
    }
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_PROPAGATORS", "tracecontext, b3multi,jaeger"), b3)) {
      assertThat(tracing.propagator().fields()).contains("traceparent", "X-B3-TraceId", "uber-trace-id")
          .doesNotContain("b3", "baggage");
      assertThat(tracing.toString()).contains("propagators=[tracecontext, b3multi, jaeger]");
    }
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_PROPAGATORS", "none"), b3)) {
      assertThat(tracing.propagator().fields()).isEmpty();
    }
  }

  @Test
  void batchQueueSettingsFollowPrecedence() {
    UnaryOperator<Tracing.Builder> code = b -> b.spanExporter(InMemorySpanExporter.create())
        .property("otel.bsp.max.queue.size", "100").property("otel.bsp.schedule.delay", "200ms");
    try (Tracing tracing = build(Map.of("otel.bsp.schedule.delay", "2s"),
        Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "4096", "OTEL_BSP_EXPORT_TIMEOUT", "1500", "OTEL_BSP_SCHEDULE_DELAY", "50"),
        code)) {
      assertThat(tracing.queueCapacity()).isEqualTo(4096);
      assertThat(provider(tracing).toString()).contains("scheduleDelayNanos=2000000000", "exporterTimeoutNanos=1500000000",
          "maxExportBatchSize=512");
    }
    try (Tracing tracing = build(Map.of(), Map.of(), code)) {
      assertThat(tracing.queueCapacity()).isEqualTo(100);
      assertThat(provider(tracing).toString()).as("the batch shrinks with a small queue")
          .contains("scheduleDelayNanos=200000000", "maxExportBatchSize=100");
      assertThat(tracing.toString()).contains("queue=100 batch=100");
    }
    try (Tracing tracing = build(Map.of(), Map.of(), b -> b.spanExporter(InMemorySpanExporter.create()))) {
      assertThat(tracing.queueCapacity()).as("the SDK's default").isEqualTo(2048);
    }
  }

  @Test
  void headerNamesButNeverTheirValuesReachTheDescription() {
    String description = describe(Map.of(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr3t"),
        b -> b.property("otel.exporter.otlp.headers", "x-tenant=englog,authorization=from-code"));
    assertThat(description).contains("headers=[authorization]").doesNotContain("s3cr3t", "from-code", "x-tenant");
  }

  @Test
  void spanLimitsComeFromTheStandardNames() {
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "1024",
        "OTEL_ATTRIBUTE_COUNT_LIMIT", "64", "OTEL_SPAN_EVENT_COUNT_LIMIT", "10", "OTEL_TRACES_EXPORTER", "none"))) {
      assertThat(provider(tracing).getSpanLimits().getMaxAttributeValueLength()).isEqualTo(1024);
      assertThat(provider(tracing).getSpanLimits().getMaxNumberOfAttributes()).isEqualTo(64);
      assertThat(provider(tracing).getSpanLimits().getMaxNumberOfEvents()).isEqualTo(10);
    }
  }

  @Test
  void otelMetricsAndLogsAreNotExportedUnlessTheOperatorAsks() {
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none"))) {
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) tracing.openTelemetry();
      assertThat(sdk.getSdkMeterProvider().toString()).contains("metricReaders=[EngLogProcessorTelemetry]");
      assertThat(sdk.getSdkLoggerProvider().toString()).doesNotContain("Batch");
    }
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "otlp",
        "OTEL_LOGS_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"))) {
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) tracing.openTelemetry();
      assertThat(sdk.getSdkMeterProvider().toString()).contains("PeriodicMetricReader");
      assertThat(sdk.getSdkLoggerProvider().toString()).contains("BatchLogRecordProcessor");
    }
  }

  @Test
  void injectedConfigurationLeavesTheJvmsOwnUnread() {
    System.setProperty("otel.service.name", "from-the-real-jvm");
    try {
      assertThat(attribute(resource(Map.of(), b -> b), "service.name")).isEqualTo("unknown_service:java");
    } finally {
      System.clearProperty("otel.service.name");
    }
  }

  @Test
  void invalidValuesAreErrorsNamingTheSettingAndWhereItCameFrom() {
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_TRACES_SAMPLER_ARG", "half")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("EngLog tracing: invalid OpenTelemetry configuration: ")
        .hasMessageContaining("otel.traces.sampler.arg=half")
        .hasMessageContaining("(environment variable OTEL_TRACES_SAMPLER_ARG = 'half')");
    assertThatThrownBy(() -> build(Map.of("otel.bsp.max.queue.size", "lots"), Map.of()))
        .hasMessageContaining("(system property otel.bsp.max.queue.size = 'lots')");
    assertThatThrownBy(() -> build(Map.of(), Map.of(), b -> b.property("otel.traces.sampler", "jaeger_remote")))
        .hasMessageContaining("Unrecognized value for otel.traces.sampler: jaeger_remote")
        .hasMessageContaining("Tracing.Builder property otel.traces.sampler = 'jaeger_remote'");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_PROPAGATORS", "tracecontext,xray")))
        .hasMessageContaining("otel.propagators: xray").hasMessageContaining("environment variable OTEL_PROPAGATORS");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
        .hasMessageContaining("OTLP endpoint").hasMessageContaining("environment variable OTEL_EXPORTER_OTLP_ENDPOINT");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
        .hasMessageContaining("zipkin").hasMessageContaining("environment variable OTEL_TRACES_EXPORTER");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_BSP_SCHEDULE_DELAY", "soon")))
        .hasMessageContaining("otel.bsp.schedule.delay=soon");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization")))
        .hasMessageContaining("Invalid map property: otel.exporter.otlp.headers")
        .hasMessageContaining("environment variable OTEL_EXPORTER_OTLP_HEADERS)");
  }

  @Test
  void aBatchLargerThanTheQueueIsCutToTheQueueAsTheSdkDoes() {
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "16", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "20"),
        b -> b.spanExporter(InMemorySpanExporter.create()))) {
      assertThat(provider(tracing).toString()).contains("maxExportBatchSize=16");
    }
  }

  @Test
  void tlsFilesSetInCodeLoseToTheEnvironmentAndAreDescribedWithTheirOrigin(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "127.0.0.1");
    Path fromCode = Files.copy(cert.certificatePem(), dir.resolve("from-code.pem"));
    UnaryOperator<Tracing.Builder> code = b -> b.property("otel.exporter.otlp.certificate", fromCode.toString());
    Map<String, String> https = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:4318");

    assertThat(describe(Map.of(), https, code))
        .contains("trust=Tracing.Builder property otel.exporter.otlp.certificate (" + fromCode + ")");
    Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:4318",
        "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", cert.certificatePem().toString(),
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", cert.privateKeyPem().toString(),
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", cert.certificatePem().toString());
    assertThat(describe(Map.of(), env, code))
        .contains("trust=environment variable OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE (" + cert.certificatePem() + ")")
        .contains("clientCertificate=environment variable OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE")
        .as("paths, never key material").doesNotContain("PRIVATE KEY");
  }

  @Test
  void aMissingOrInvalidTlsFileFailsTheBuildNamingTheSettingAndPath(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("environment variable OTEL_EXPORTER_OTLP_CERTIFICATE = '" + missing + "'");

    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "127.0.0.1");
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_EXPORTER_OTLP_CLIENT_KEY", cert.privateKeyPem().toString())))
        .hasMessageContaining("client key provided without client certificate")
        .hasMessageContaining("environment variable OTEL_EXPORTER_OTLP_CLIENT_KEY");

    Path badKey = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n"
        + "-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> build(Map.of(), Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:4318",
        "OTEL_EXPORTER_OTLP_CLIENT_KEY", badKey.toString(),
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", cert.certificatePem().toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variable OTEL_EXPORTER_OTLP_CLIENT_KEY = '" + badKey + "'");
  }

  @Test
  void builderValidationNamesTheField() {
    Tracing.Builder b = Tracing.builder();
    assertThatThrownBy(() -> b.databaseServer("db", 70000)).hasMessage("port must be in [1, 65535], was 70000");
    assertThatThrownBy(() -> b.serviceName(" ")).hasMessage("serviceName must not be blank");
    assertThatThrownBy(() -> b.serviceName(null)).isInstanceOf(NullPointerException.class).hasMessage("serviceName");
    assertThatThrownBy(() -> b.property("service.name", "x"))
        .hasMessage("otelKey must be an OpenTelemetry setting such as otel.exporter.otlp.endpoint, was 'service.name'");
    assertThatThrownBy(() -> b.property("otel.service.name", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void otelSdkDisabledGivesATracingThatRecordsNothingButStillPropagates() {
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_SDK_DISABLED", "true", "OTEL_PROPAGATORS", "tracecontext,b3"))) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.DISABLED);
      assertThat(tracing.traceDbQuery("select", "journals", () -> 7)).isEqualTo(7);
      assertThat(tracing.propagator().fields()).contains("traceparent", "b3");
    }
  }

  @Test
  void exporterNoneKeepsSpansAliveButExportsNothing() {
    try (Tracing tracing = build(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none"))) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.SDK);
      String traceId = tracing.traceDbQuery("select", "journals",
          () -> io.opentelemetry.api.trace.Span.current().getSpanContext().getTraceId());
      assertThat(traceId).as("spans still exist for log correlation and propagation").matches("[0-9a-f]{32}")
          .isNotEqualTo("00000000000000000000000000000000");
      assertThat(tracing.forceFlush(Duration.ofSeconds(5))).isTrue();
      assertThat(tracing.exportedSpans()).isZero();
      assertThat(tracing.queueCapacity()).isZero();
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
    assertThatThrownBy(() -> build(Map.of(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OTLP protocol grpc needs a gRPC sender on the class path")
        .hasMessageContaining("opentelemetry-exporter-sender-okhttp");
  }

  @Test
  void codeOnlySettingsReachTheSdk() {
    try (Tracing tracing = build(Map.of(), Map.of(), b -> b.serviceName("englog-api")
        .property("otel.exporter.otlp.endpoint", "http://collector:4318")
        .property("otel.exporter.otlp.compression", "gzip")
        .property("otel.propagators", "tracecontext,b3"))) {
      assertThat(tracing.toString())
          .contains("service=englog-api", "http://collector:4318/v1/traces", "compression=gzip",
              "propagators=[tracecontext, b3]");
      assertThat(tracing.propagator().fields()).contains("traceparent", "b3");
      assertThat(List.copyOf(tracing.propagator().fields())).doesNotContain("baggage");
    }
  }
}
