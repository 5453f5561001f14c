package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

  @Test
  void withoutAnyVariableTheServiceRunsAloneOnLoopback() {
    ApiConfig config = ApiConfig.fromEnvironment(Map.of());

    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.jdbcUrl()).isEmpty();
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.drain().toSeconds()).isEqualTo(10);
    assertThat(config.tracingProperties()).containsExactly(Map.entry("otel.traces.exporter", "none"));
  }

  @Test
  void anOtlpEndpointTurnsSpanExportOn() {
    assertThat(ApiConfig.tracingProperties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")))
        .containsExactly(Map.entry("otel.exporter.otlp.endpoint", "http://collector:4318"));
    assertThat(ApiConfig.tracingProperties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://tempo:4318/v1/traces")))
        .containsExactly(Map.entry("otel.exporter.otlp.traces.endpoint", "http://tempo:4318/v1/traces"));
  }

  @Test
  void theDescriptionMasksCredentialsInUrls() {
    ApiConfig config = ApiConfig.fromEnvironment(Map.of(
        "ENGLOG_EXAMPLE_JDBC_URL", "jdbc:postgresql://db:5432/englog?user=englog&password=hunter2&ssl=true",
        "ENGLOG_EXAMPLE_REDIS_URL", "redis://default:s3cret@cache:6379",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:apikey@collector:4318"));

    String described = config.describe().toString();
    assertThat(described).doesNotContain("hunter2", "s3cret", "apikey")
        .contains("password=***", "redis://***@cache:6379", "ssl=true");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of("ENGLOG_EXAMPLE_PORT", "http")))
        .hasMessageContaining("ENGLOG_EXAMPLE_PORT");
    assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of("ENGLOG_EXAMPLE_REDIS_URL", "cache:6379")))
        .hasMessageContaining("ENGLOG_EXAMPLE_REDIS_URL");
  }
}
