package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void everyFactoryReturnsABuilderSoAnExceptionResultCanCarryDetails() {
    Health down = Health.down(new IllegalStateException("pool closed", new IOException("broken pipe")))
        .detail("url", "https://ai.example/health").build();

    assertThat(down.status()).isEqualTo(Status.DOWN);
    assertThat(down.reason()).isEqualTo("IllegalStateException: pool closed (cause: IOException: broken pipe)");
    assertThat(down.details()).containsEntry("url", "https://ai.example/health");
  }

  @Test
  void builderTakesAStatusChosenAtRunTime() {
    for (Status status : Status.values()) {
      Health h = Health.builder(status).reason("as configured").detail("latency_ms", 12L).build();
      assertThat(h.status()).isEqualTo(status);
      assertThat(h.reason()).isEqualTo("as configured");
      assertThat(h.details()).containsEntry("latency_ms", 12L);
    }
  }

  @Test
  void plainUpIsOneSharedInstance() {
    assertThat(Health.up().build()).isSameAs(Health.up().build()).isSameAs(Health.builder(Status.UP).build());
    assertThat(Health.up().reason("fast").build()).isNotSameAs(Health.up().build());
  }
}
