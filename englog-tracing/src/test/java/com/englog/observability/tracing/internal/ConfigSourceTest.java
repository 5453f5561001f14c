package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  private static ConfigSource source(Map<String, String> props, Map<String, String> env) {
    return new ConfigSource(props::get, env::get);
  }

  @Test
  void environmentNamesFollowTheSpecification() {
    assertThat(ConfigSource.environmentName("otel.bsp.max.queue.size")).isEqualTo("OTEL_BSP_MAX_QUEUE_SIZE");
    assertThat(ConfigSource.environmentName("otel.exporter.otlp.traces.endpoint"))
        .isEqualTo("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  }

  @Test
  void aSystemPropertyWinsOverTheEnvironmentAndSaysWhereItCameFrom() {
    ConfigSource s = source(Map.of("otel.service.name", "prop"), Map.of("OTEL_SERVICE_NAME", "env"));
    assertThat(s.get("otel.service.name").value()).isEqualTo("prop");
    assertThat(s.get("otel.service.name").origin()).isEqualTo("system property otel.service.name");
    assertThat(source(Map.of(), Map.of("OTEL_SERVICE_NAME", " env ")).get("otel.service.name").origin())
        .isEqualTo("environment variable OTEL_SERVICE_NAME");
    assertThat(source(Map.of(), Map.of("OTEL_SERVICE_NAME", " env ")).string("otel.service.name")).isEqualTo("env");
  }

  @Test
  void durationsAcceptMillisecondsAndUnits() {
    assertThat(ConfigSource.parseDuration("5000")).isEqualTo(Duration.ofSeconds(5));
    assertThat(ConfigSource.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigSource.parseDuration("3s")).isEqualTo(Duration.ofSeconds(3));
    assertThat(ConfigSource.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ConfigSource.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(ConfigSource.parseDuration("-1")).isNull();
    assertThat(ConfigSource.parseDuration("1.5s")).isNull();
    assertThat(ConfigSource.parseDuration("99999999999999999999")).isNull();
  }

  @Test
  void keyValueListsArePercentDecodedIncludingMultiByteCharacters() {
    ConfigSource s = source(Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES",
        "team=journal%20core, city=K%C3%B6ln,emoji=\uD83D\uDE00ok,empty=,,"));
    assertThat(s.keyValues("otel.resource.attributes"))
        .containsEntry("team", "journal core")
        .containsEntry("city", "Köln")
        .containsEntry("emoji", "\uD83D\uDE00ok")
        .containsEntry("empty", "")
        .hasSize(4);
  }

  @Test
  void brokenPercentEscapesAreClearErrorsThatDoNotEchoTheValue() {
    ConfigSource s = source(Map.of(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%zzsecret"));
    assertThatThrownBy(() -> s.keyValues("otel.exporter.otlp.headers"))
        .hasMessage("environment variable OTEL_EXPORTER_OTLP_HEADERS: the value of 'authorization' has an invalid percent-encoding")
        .hasMessageNotContaining("secret");
  }

  @Test
  void booleansAreStrict() {
    assertThat(source(Map.of(), Map.of("OTEL_SDK_DISABLED", "TRUE")).bool("otel.sdk.disabled")).isTrue();
    assertThatThrownBy(() -> source(Map.of(), Map.of("OTEL_SDK_DISABLED", "yes")).bool("otel.sdk.disabled"))
        .hasMessage("environment variable OTEL_SDK_DISABLED must be true or false, was 'yes'");
  }

  @Test
  void longValuesAreAbbreviatedInMessages() {
    String value = "x".repeat(500);
    assertThatThrownBy(() -> source(Map.of(), Map.of("OTEL_BSP_MAX_QUEUE_SIZE", value))
        .integer("otel.bsp.max.queue.size", 1, 10)).message().hasSizeLessThan(200);
  }
}
