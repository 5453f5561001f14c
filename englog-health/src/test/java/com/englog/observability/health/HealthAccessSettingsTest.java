package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HealthAccess#fromConfiguration} reads the shared naming scheme and keeps the former name. */
class HealthAccessSettingsTest {

  private static final HealthRequest WITH_TOKEN = HealthRequest.of("GET", "/health", h -> "Bearer t0ken");

  @Test
  void tokenFileIsReadUnderItsNameAndItsFormerName(@TempDir Path dir) throws Exception {
    Path right = Files.writeString(dir.resolve("right"), "t0ken\n");
    Path wrong = Files.writeString(dir.resolve("wrong"), "other\n");

    HealthAccess property = HealthAccess.fromConfiguration(
        Map.of("englog.health.token-file", right.toString())::get, k -> null);
    HealthAccess variable = HealthAccess.fromConfiguration(k -> null,
        Map.of("ENGLOG_HEALTH_TOKEN_FILE", right.toString())::get);
    HealthAccess former = HealthAccess.fromConfiguration(
        Map.of("englog.health.token.file", right.toString())::get, k -> null);
    HealthAccess currentWins = HealthAccess.fromConfiguration(Map.of(
        "englog.health.token-file", right.toString(), "englog.health.token.file", wrong.toString())::get,
        k -> null);

    assertThat(property.mayViewDetails(WITH_TOKEN)).isTrue();
    assertThat(variable.mayViewDetails(WITH_TOKEN)).isTrue();
    assertThat(former.mayViewDetails(WITH_TOKEN)).isTrue();
    assertThat(currentWins.mayViewDetails(WITH_TOKEN)).isTrue();
  }

  @Test
  void aTokenFileBeatsTheTokenVariableAndAnEmptyFileAuthorisesNobody(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "");

    HealthAccess access = HealthAccess.fromConfiguration(
        Map.of("englog.health.token-file", empty.toString())::get, Map.of("ENGLOG_HEALTH_TOKEN", "t0ken")::get);

    assertThat(access.mayViewDetails(WITH_TOKEN)).isFalse();
  }

  @Test
  void tokenModeWithoutATokenNamesTheSettingsToSet() {
    assertThatThrownBy(() -> HealthAccess.fromConfiguration(Map.of("englog.health.details", "token")::get,
        k -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("englog.health.token-file / ENGLOG_HEALTH_TOKEN_FILE")
        .hasMessageContaining("ENGLOG_HEALTH_TOKEN");
  }
}
