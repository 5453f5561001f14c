package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint reaches the startup log line and error messages; its credentials must not. */
class SdkSettingsTest {

  private static SdkSettings resolve(Map<String, String> env) {
    return SdkSettings.resolve(new CodeConfig(), new ConfigSource(k -> null, env::get), env::get);
  }

  @Test
  void credentialsAndQueriesInTheEndpointNeverReachTheDescription() {
    SdkSettings s = resolve(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "https://tenant:s3cr3t@collector.example:4318/v1/traces?api_key=k3y"));

    assertThat(s.endpoint()).as("the exporter gets it whole").contains("s3cr3t", "k3y");
    assertThat(s.describe()).contains("https://***@collector.example:4318/v1/traces?***")
        .doesNotContain("s3cr3t", "tenant", "k3y");
  }

  @Test
  void invalidEndpointsAreNamedWithoutTheirCredentials() {
    assertThatThrownBy(() -> resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://user:s3cr3t@collector:4318")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL")
        .hasMessageContaining("ftp://***@collector:4318").hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:s3 cr3t@collector:4318")))
        .hasMessageContaining("is not a valid URL").hasMessageNotContaining("s3 cr3t").hasNoCause();
  }

  @Test
  void redactionKeepsWhatIsNeededToDebugAndMasksTheRest() {
    assertThat(SdkSettings.redacted("http://collector:4318/v1/traces")).isEqualTo("http://collector:4318/v1/traces");
    assertThat(SdkSettings.redacted("http://a:b@c@host/p@q")).isEqualTo("http://***@host/p@q");
    assertThat(SdkSettings.redacted("collector:4318#frag")).isEqualTo("collector:4318#***");
    assertThat(SdkSettings.redacted("user:pw@collector")).isEqualTo("***@collector");
  }
}
