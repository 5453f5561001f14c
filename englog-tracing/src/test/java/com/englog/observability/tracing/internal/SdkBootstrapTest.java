package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SdkBootstrapTest {

  private static ConfigLayers env(Map<String, String> env) {
    return ConfigLayers.injected(Map.of(), env, Map.of());
  }

  @Test
  void redactionKeepsWhatIsNeededToDebugAndMasksTheRest() {
    assertThat(SdkBootstrap.redacted("http://collector:4318/v1/traces")).isEqualTo("http://collector:4318/v1/traces");
    assertThat(SdkBootstrap.redacted("http://a:b@c@host/p@q")).isEqualTo("http://***@host/p@q");
    assertThat(SdkBootstrap.redacted("collector:4318#frag")).isEqualTo("collector:4318#***");
    assertThat(SdkBootstrap.redacted("user:pw@collector")).isEqualTo("***@collector");
  }

  @Test
  void englogsDefaultsAreOnlyDefaults() {
    assertThat(SdkBootstrap.defaults(env(Map.of()))).containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
        .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
        .containsEntry("otel.traces.sampler.arg", "1.0")
        .containsEntry("otel.metrics.exporter", "none")
        .containsEntry("otel.logs.exporter", "none")
        .doesNotContainKey("otel.bsp.max.export.batch.size");
    assertThat(SdkBootstrap.defaults(env(Map.of("OTEL_RESOURCE_ATTRIBUTES", "team=core, deployment.environment.name=PROD"))))
        .containsEntry("otel.traces.sampler.arg", "0.1");
    assertThat(SdkBootstrap.defaults(env(Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "64"))))
        .containsEntry("otel.bsp.max.export.batch.size", "64");
    assertThat(SdkBootstrap.defaults(env(Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "64", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8"))))
        .doesNotContainKey("otel.bsp.max.export.batch.size");
  }

  @Test
  void layersFollowAutoconfiguresPrecedenceAndSpelling() {
    ConfigLayers layers = ConfigLayers.injected(Map.of("otel.service.name", "prop"),
        Map.of("OTEL_SERVICE_NAME", "env", "OTEL_BSP_MAX_QUEUE_SIZE", "10"),
        Map.of("otel.service.name", "code", "otel.bsp.schedule.delay", "1s"));
    assertThat(layers.get("otel.service.name")).isEqualTo("prop");
    assertThat(layers.origin("otel.service.name")).isEqualTo("system property otel.service.name");
    assertThat(layers.get("otel.bsp.max-queue-size")).isEqualTo("10");
    assertThat(layers.origin("otel.bsp.max.queue.size")).isEqualTo("environment variable OTEL_BSP_MAX_QUEUE_SIZE");
    assertThat(layers.origin("otel.bsp.schedule.delay")).isEqualTo("Tracing.Builder property otel.bsp.schedule.delay");
    assertThat(layers.injectedOver(Map.of("otel.service.name", "default", "otel.logs.exporter", "none")))
        .containsEntry("otel.service.name", "prop").containsEntry("otel.bsp.max.queue.size", "10")
        .containsEntry("otel.logs.exporter", "none");
  }
}
