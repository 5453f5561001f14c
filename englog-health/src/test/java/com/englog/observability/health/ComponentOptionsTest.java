package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ComponentOptionsTest {

  @Test
  void builderStartsFromTheDocumentedDefaults() {
    ComponentOptions o = ComponentOptions.builder().build();

    assertThat(o.critical()).isTrue();
    assertThat(o.deadline()).isEqualTo(ComponentOptions.DEFAULT_DEADLINE);
    assertThat(o.refreshAfter()).isEqualTo(ComponentOptions.DEFAULT_REFRESH_AFTER);
    assertThat(o.maxAge()).isEqualTo(ComponentOptions.DEFAULT_MAX_AGE);
    assertThat(o.groups()).containsExactlyInAnyOrderElementsOf(ComponentOptions.DEFAULT_GROUPS);
    assertThat(o.circuitBreakerFailures()).isEqualTo(ComponentOptions.DEFAULT_BREAKER_FAILURES);
    assertThat(o.circuitBreakerOpenFor()).isEqualTo(ComponentOptions.DEFAULT_BREAKER_OPEN_FOR);
  }

  @Test
  void builtOptionsDoNotChangeWhenTheBuilderIsUsedAgain() {
    ComponentOptions.Builder builder = ComponentOptions.builder().groups("storage");
    ComponentOptions first = builder.build();

    builder.nonCritical().noCache().groups(HealthRegistry.LIVENESS).withoutCircuitBreaker();

    assertThat(first.critical()).isTrue();
    assertThat(first.refreshAfter()).isEqualTo(ComponentOptions.DEFAULT_REFRESH_AFTER);
    assertThat(first.groups()).containsExactly("storage");
    assertThat(first.circuitBreakerFailures()).isEqualTo(ComponentOptions.DEFAULT_BREAKER_FAILURES);
    ComponentOptions second = builder.build();
    assertThat(second.critical()).isFalse();
    assertThat(second.maxAge()).isEqualTo(Duration.ZERO);
    assertThat(second.circuitBreakerFailures()).isZero();
  }

  @Test
  void registryDefaultsApplyBeforeEachComponentsOwnOptions() {
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", c -> Health.down("refused").build(), o -> o.critical(true))
        .add("ai", c -> Health.down("HTTP 503").build())
        .defaults(o -> o.nonCritical())
        .build()) {
      assertThat(registry.isCritical("db")).as("its own option wins").isTrue();
      assertThat(registry.isCritical("ai")).as("the registry's default").isFalse();
      assertThat(registry.status()).isEqualTo(Status.DOWN);
    }
  }
}
