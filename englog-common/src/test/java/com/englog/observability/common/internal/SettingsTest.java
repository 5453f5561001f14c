package com.englog.observability.common.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private final Map<String, String> props = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private final Settings settings = Settings.of("metrics", props::get, env::get);

  @Test
  void namesFollowOneScheme() {
    assertThat(settings.property("token-file")).isEqualTo("englog.metrics.token-file");
    assertThat(settings.variable("token-file")).isEqualTo("ENGLOG_METRICS_TOKEN_FILE");
    assertThat(settings.describe("threads"))
        .isEqualTo("englog.metrics.threads / ENGLOG_METRICS_THREADS");
  }

  @Test
  void propertyBeatsEnvironmentBeatsCodeBeatsDefault() {
    assertThat(settings.get("mode", null, "d")).isEqualTo("d");
    assertThat(settings.get("mode", "code", "d")).isEqualTo("code");
    env.put("ENGLOG_METRICS_MODE", "env");
    assertThat(settings.get("mode", "code", "d")).isEqualTo("env");
    assertThat(settings.origin("mode")).isEqualTo("environment variable ENGLOG_METRICS_MODE");
    props.put("englog.metrics.mode", " prop ");
    assertThat(settings.get("mode", "code", "d")).isEqualTo("prop");
    assertThat(settings.origin("mode")).isEqualTo("system property englog.metrics.mode");
  }

  @Test
  void blankCountsAsUnset() {
    props.put("englog.metrics.mode", " ");
    env.put("ENGLOG_METRICS_MODE", "");
    assertThat(settings.get("mode")).isNull();
    assertThat(settings.get("mode", "code", null)).isEqualTo("code");
    assertThat(settings.origin("mode")).isNull();
  }

  @Test
  void formerNamesStillWorkAfterTheCurrentOnesOfTheirKind() {
    Settings s = settings.withAlias("token-file", "englog.metrics.bearer-token-file",
        "ENGLOG_METRICS_BEARER_TOKEN_FILE");
    env.put("ENGLOG_METRICS_BEARER_TOKEN_FILE", "/old-env");
    assertThat(s.get("token-file")).isEqualTo("/old-env");
    env.put("ENGLOG_METRICS_TOKEN_FILE", "/new-env");
    assertThat(s.get("token-file")).isEqualTo("/new-env");
    props.put("englog.metrics.bearer-token-file", "/old-prop");
    assertThat(s.get("token-file")).as("any property beats any variable").isEqualTo("/old-prop");
    assertThat(s.origin("token-file")).isEqualTo("system property englog.metrics.bearer-token-file");
    props.put("englog.metrics.token-file", "/new-prop");
    assertThat(s.get("token-file")).isEqualTo("/new-prop");
    assertThat(settings.get("token-file")).as("aliases belong to the instance that declared them")
        .isEqualTo("/new-prop");
    props.clear();
    env.clear();
    env.put("ENGLOG_METRICS_BEARER_TOKEN_FILE", "/old-env");
    assertThat(settings.get("token-file")).isNull();
  }

  @Test
  void badNamesAreRefusedWithTheRule() {
    assertThatThrownBy(() -> Settings.of("Metrics")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case word");
    assertThatThrownBy(() -> settings.get("tokenFile")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kebab-case");
  }
}
