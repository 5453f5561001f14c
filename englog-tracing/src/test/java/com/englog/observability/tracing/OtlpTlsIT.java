package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.SelfSignedCertificate;
import com.englog.observability.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OTLP over HTTPS to a receiver on loopback with a self-signed certificate: the TLS settings reach
 * the exporter (trust a private CA, present a client certificate), and without them the export fails
 * the handshake and is counted, never sent in clear or to an untrusted server.
 */
class OtlpTlsIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  private static SelfSignedCertificate server;
  private static SelfSignedCertificate client;
  private static SelfSignedCertificate stranger;

  private OtlpHttpReceiver receiver;
  private Tracing tracing;

  @BeforeAll
  static void certificates() {
    server = SelfSignedCertificate.create(TestEnvironment.scratchDirectory("otlp-tls-server"), "127.0.0.1");
    client = SelfSignedCertificate.create(TestEnvironment.scratchDirectory("otlp-tls-client"), "127.0.0.1");
    stranger = SelfSignedCertificate.create(TestEnvironment.scratchDirectory("otlp-tls-stranger"), "127.0.0.1");
  }

  @AfterEach
  void stop() {
    if (tracing != null) {
      tracing.shutdown(Duration.ofSeconds(5));
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private Tracing tracing(Tracing.Builder builder, Map<String, String> props, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    return builder.serviceName("englog-api")
        .property("otel.bsp.schedule.delay", "50ms")
        .property("otel.exporter.otlp.timeout", "5s")
        .configuration(props, all)
        .build();
  }

  private String counters() {
    return "exported=" + tracing.exportedSpans() + " failed=" + tracing.failedSpans()
        + " exportFailures=" + tracing.exportFailures() + " requests=" + receiver.requestCount();
  }

  private void exportsOneSpan() {
    tracing.traceDbQuery("insert", "journals", () -> 1);
    assertThat(receiver.awaitSpans(1, WAIT)).singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo("insert journals"));
    Eventually.await(WAIT, () -> tracing.exportedSpans() == 1, this::counters);
    assertThat(tracing.exportFailures()).isZero();
  }

  private void failsToExportOneSpan() {
    tracing.traceDbQuery("insert", "journals", () -> 1);
    Eventually.await(WAIT, () -> tracing.failedSpans() == 1 && tracing.exportFailures() >= 1, this::counters);
    assertThat(tracing.exportedSpans()).isZero();
    assertThat(receiver.requestCount()).as("the handshake failed before any request").isZero();
  }

  @Test
  void theCaFromOtelExporterOtlpCertificateIsTrusted() {
    receiver = OtlpHttpReceiver.startHttps(server, null);
    tracing = tracing(Tracing.builder(), Map.of(),
        Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", server.certificatePem().toString()));
    assertThat(tracing.toString()).contains("trust=environment variable OTEL_EXPORTER_OTLP_CERTIFICATE");
    exportsOneSpan();
  }

  @Test
  void withoutTheCaTheJvmTrustStoreRejectsTheServerAndTheFailureIsCounted() {
    receiver = OtlpHttpReceiver.startHttps(server, null);
    tracing = tracing(Tracing.builder(), Map.of(), Map.of());
    failsToExportOneSpan();
  }

  @Test
  void theEnvironmentsCaBeatsTheOneSetInCode() {
    receiver = OtlpHttpReceiver.startHttps(server, null);
    tracing = tracing(Tracing.builder().property("otel.exporter.otlp.certificate", stranger.certificatePem().toString()), Map.of(),
        Map.of("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", server.certificatePem().toString()));
    exportsOneSpan();
  }

  @Test
  void aCaSetInCodeThatDoesNotMatchFailsTheExport() {
    receiver = OtlpHttpReceiver.startHttps(server, null);
    tracing = tracing(Tracing.builder().property("otel.exporter.otlp.certificate", stranger.certificatePem().toString()), Map.of(), Map.of());
    failsToExportOneSpan();
  }

  @Test
  void mutualTlsPresentsTheClientCertificateFromSystemProperties() {
    receiver = OtlpHttpReceiver.startHttps(server, client);
    tracing = tracing(Tracing.builder(), Map.of(
        "otel.exporter.otlp.client.key", client.privateKeyPem().toString(),
        "otel.exporter.otlp.client.certificate", client.certificatePem().toString(),
        "otel.exporter.otlp.certificate", server.certificatePem().toString()), Map.of());
    exportsOneSpan();
  }

  @Test
  void mutualTlsFromTheBuilderWorksToo() {
    receiver = OtlpHttpReceiver.startHttps(server, client);
    tracing = tracing(Tracing.builder().property("otel.exporter.otlp.certificate", server.certificatePem().toString())
        .property("otel.exporter.otlp.client.key", client.privateKeyPem().toString())
        .property("otel.exporter.otlp.client.certificate", client.certificatePem().toString()), Map.of(), Map.of());
    exportsOneSpan();
  }

  @Test
  void aServerRequiringMutualTlsRejectsAnExporterWithoutAClientCertificate() {
    receiver = OtlpHttpReceiver.startHttps(server, client);
    tracing = tracing(Tracing.builder(), Map.of(),
        Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", server.certificatePem().toString()));
    failsToExportOneSpan();
  }
}
