package com.englog.observability.common.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.common.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokensTest {

  @TempDir Path dir;

  @Test
  void permitsOnlyTheExactTokenAfterACaseInsensitiveScheme() {
    BearerTokens t = BearerTokens.of(Secret.of("tok-123"));
    assertThat(t.permits("Bearer tok-123")).isTrue();
    assertThat(t.permits("bearer tok-123 ")).isTrue();
    assertThat(t.permits("BEARER  tok-123")).isTrue();
    assertThat(t.permits("Bearer tok-12")).isFalse();
    assertThat(t.permits("Bearer tok-1234")).isFalse();
    assertThat(t.permits("Basic tok-123")).isFalse();
    assertThat(t.permits("tok-123")).isFalse();
    assertThat(t.permits("Bearer ")).isFalse();
    assertThat(t.permits(null)).isFalse();
  }

  @Test
  void aSecretWithoutValueRefusesEveryone() {
    BearerTokens t = BearerTokens.of(Secret.fromFile(dir.resolve("missing")));
    assertThat(t.permits("Bearer ")).isFalse();
    assertThat(t.permits("Bearer anything")).isFalse();
  }

  @Test
  void resolveFollowsThePrecedenceAndRefusesNoChoice() throws Exception {
    Map<String, String> props = new HashMap<>();
    Settings settings = Settings.of("health", props::get, n -> null);
    Path code = dir.resolve("code-token");
    Files.writeString(code, "from-code");
    Path prop = dir.resolve("prop-token");
    Files.writeString(prop, "from-prop");

    assertThat(BearerTokens.resolve(settings, code, null, false, "x").permits("Bearer from-code"))
        .isTrue();
    props.put("englog.health.token-file", prop.toString());
    BearerTokens t = BearerTokens.resolve(settings, code, null, true, "x");
    assertThat(t.permits("Bearer from-prop")).isTrue();
    assertThat(t.permits("Bearer from-code")).isFalse();
    props.clear();

    assertThat(BearerTokens.resolve(settings, null, null, true, "x")).isNull();
    assertThatThrownBy(() -> BearerTokens.resolve(settings, null, null, false, "the health endpoint"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the health endpoint needs a bearer token")
        .hasMessageContaining("englog.health.token-file / ENGLOG_HEALTH_TOKEN_FILE")
        .hasMessageContaining("anonymous");
  }

  @Test
  void aTokenVariableNamedInCodeIsReadThroughTheSettingsLookup() {
    Settings settings = Settings.of("metrics", n -> null, Map.of("MY_TOKEN", "from-env")::get);
    BearerTokens t = BearerTokens.resolve(settings, null, "MY_TOKEN", false, "x");
    assertThat(t.permits("Bearer from-env")).isTrue();
    assertThat(t.toString()).contains("MY_TOKEN").doesNotContain("from-env");
  }

  @Test
  void aMissingTokenFileIsNotAStartupFailure() {
    Settings settings = Settings.of("metrics", n -> null, n -> null);
    BearerTokens t = BearerTokens.resolve(settings, dir.resolve("not-yet"), null, false, "x");
    assertThat(t.permits("Bearer x")).isFalse();
    assertThat(t.toString()).contains("not-yet");
  }
}
