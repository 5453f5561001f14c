package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.common.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthAccessAndListenerTest {

  private static final HealthRequest WITH_TOKEN = HealthRequest.of("GET", "/health", h -> "Bearer t0ken");
  private static final HealthRequest ANONYMOUS = HealthRequest.of("GET", "/health", h -> null);

  @Test
  void configurationPrefersSystemPropertiesOverEnvironmentAndDefaultsToNever(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "t0ken\n");

    HealthAccess none = HealthAccess.fromConfiguration(k -> null, k -> null);
    HealthAccess envToken = HealthAccess.fromConfiguration(k -> null, Map.of("ENGLOG_HEALTH_TOKEN", "t0ken")::get);
    HealthAccess fileToken = HealthAccess.fromConfiguration(
        Map.of("englog.health.token.file", file.toString())::get, Map.of("ENGLOG_HEALTH_TOKEN", "other")::get);
    HealthAccess propertyWins = HealthAccess.fromConfiguration(
        Map.of("englog.health.details", "never")::get, Map.of("ENGLOG_HEALTH_DETAILS", "always")::get);

    assertThat(none.mayViewDetails(WITH_TOKEN)).isFalse();
    assertThat(envToken.mayViewDetails(WITH_TOKEN)).isTrue();
    assertThat(envToken.mayViewDetails(ANONYMOUS)).isFalse();
    assertThat(fileToken.mayViewDetails(WITH_TOKEN)).isTrue();
    assertThat(propertyWins.mayViewDetails(WITH_TOKEN)).isFalse();
    assertThat(fileToken.toString()).doesNotContain("t0ken");
    assertThatThrownBy(() -> HealthAccess.fromConfiguration(k -> null, Map.of("ENGLOG_HEALTH_DETAILS", "token")::get))
        .hasMessageContaining("needs a token");
    assertThatThrownBy(() -> HealthAccess.fromConfiguration(k -> null, Map.of("ENGLOG_HEALTH_DETAILS", "yes")::get))
        .hasMessageContaining("must be never, always or token");
  }

  @Test
  void rotatedTokenFileTakesEffect(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "t0ken");
    HealthAccess access = HealthAccess.bearerToken(Secret.fromFile(file));
    assertThat(access.mayViewDetails(WITH_TOKEN)).isTrue();

    Files.writeString(file, "rotated-token-value");
    HealthRegistryTest.awaitCondition(() -> !access.mayViewDetails(WITH_TOKEN));
    assertThat(access.mayViewDetails(HealthRequest.of("GET", "/health", h -> "bearer rotated-token-value"))).isTrue();
  }

  @Test
  void listenerHearsStatusChangesOnlyAndAThrowingListenerIsHarmless() {
    List<String> changes = new CopyOnWriteArrayList<>();
    AtomicBoolean up = new AtomicBoolean(true);
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .listener(new HealthListener() {
          @Override
          public void onStatusChange(Status previous, ComponentHealth current) {
            changes.add(current.name() + ":" + previous + "->" + current.status());
          }
        })
        .listener(new HealthListener() {
          @Override
          public void onStatusChange(Status previous, ComponentHealth current) {
            throw new IllegalStateException("bad listener");
          }
        })
        .add("db", c -> up.get() ? Health.up().build() : Health.down("gone").build(), o -> o.noCache())
        .build()) {
      registry.status();
      registry.status();
      up.set(false);
      assertThat(registry.status()).isEqualTo(Status.DOWN);
      registry.status();
    }
    assertThat(changes).containsExactly("db:UNKNOWN->UP", "db:UP->DOWN");
  }
}
