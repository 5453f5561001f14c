package com.englog.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JavaTimeClockTest {

  @Test
  void theSystemClockInAnyZoneKeepsMicrometersMonotonicClock() {
    assertThat(JavaTimeClock.of(java.time.Clock.systemUTC())).isSameAs(Clock.SYSTEM);
    assertThat(JavaTimeClock.of(java.time.Clock.system(ZoneId.of("Europe/Paris")))).isSameAs(Clock.SYSTEM);
  }

  @Test
  void anyOtherClockGivesWallAndMonotonicTimeFromItsInstant() {
    Clock c = JavaTimeClock.of(java.time.Clock.fixed(Instant.ofEpochSecond(12, 345_678_901),
        ZoneOffset.UTC));
    assertThat(c.wallTime()).isEqualTo(12_345);
    assertThat(c.monotonicTime()).isEqualTo(12_345_678_901L);
  }
}
