package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void everyVariableIsOptional() {
    WorkerConfig config = WorkerConfig.from(Map.of());

    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8081);
    assertThat(config.metricsTokenFile()).isEmpty();
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.aiUrl()).isEqualTo(URI.create("http://127.0.0.1:8090"));
    assertThat(config.drainTime()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.exportSpans()).isFalse();
  }

  @Test
  void anOtlpEndpointTurnsSpanExportOn() {
    assertThat(WorkerConfig.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")).exportSpans())
        .isTrue();
    assertThat(WorkerConfig.from(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"))
        .exportSpans()).isTrue();
    assertThat(WorkerConfig.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " ")).exportSpans()).isFalse();
  }

  @Test
  void aBadValueNamesTheVariable() {
    assertThatThrownBy(() -> WorkerConfig.from(Map.of("ENGLOG_EXAMPLE_PORT", "80a")))
        .hasMessage("ENGLOG_EXAMPLE_PORT must be a whole number in [0, 65535], got '80a'");
    assertThatThrownBy(() -> WorkerConfig.from(Map.of("ENGLOG_EXAMPLE_DRAIN_SECONDS", "-1")))
        .hasMessageStartingWith("ENGLOG_EXAMPLE_DRAIN_SECONDS must be");
    assertThatThrownBy(() -> WorkerConfig.from(Map.of("ENGLOG_EXAMPLE_AI_URL", "ftp://x")))
        .hasMessageStartingWith("ENGLOG_EXAMPLE_AI_URL must be an http");
  }

  @Test
  void aBadRedisUrlIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> WorkerConfig.from(Map.of("ENGLOG_EXAMPLE_REDIS_URL", "http://:hunter2@h")))
        .hasMessage("ENGLOG_EXAMPLE_REDIS_URL must look like redis://host:port")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void thePrintedConfigurationMasksThePasswordOfARedisUrl() {
    WorkerConfig config = WorkerConfig.from(Map.of(
        "ENGLOG_EXAMPLE_REDIS_URL", "redis://:hunter2@127.0.0.1:6379",
        "ENGLOG_EXAMPLE_REDIS_PASSWORD_FILE", "/run/secrets/redis",
        "ENGLOG_EXAMPLE_METRICS_TOKEN_FILE", "/run/secrets/metrics-token"));

    Map<String, Object> printed = config.describe(Path.of("/run/secrets/metrics-token"));

    assertThat(printed.toString()).doesNotContain("hunter2");
    assertThat(printed).containsEntry("jobs_from", "redis redis://***@127.0.0.1:6379 list englog:ai-jobs")
        .containsEntry("redis_password_file", "/run/secrets/redis")
        .containsEntry("metrics_token_file", "/run/secrets/metrics-token");
  }
}
