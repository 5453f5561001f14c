package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.Clock;
import java.time.Instant;

/**
 * Not public API.
 *
 * <p>A {@code java.time.Clock} as the Micrometer {@link Clock} a registry needs. The system clock (in
 * any zone) becomes {@link Clock#SYSTEM}, whose monotonic time is {@link System#nanoTime()}; any other
 * clock (a test's) gives both wall and monotonic time from its instant, so moving it moves both.
 */
public final class JavaTimeClock implements Clock {

  private final java.time.Clock clock;

  private JavaTimeClock(java.time.Clock clock) {
    this.clock = clock;
  }

  /** The Micrometer clock reading {@code clock}. */
  public static Clock of(java.time.Clock clock) {
    if (clock.equals(java.time.Clock.system(clock.getZone()))) {
      return Clock.SYSTEM;
    }
    return new JavaTimeClock(clock);
  }

  @Override
  public long wallTime() {
    return clock.millis();
  }

  @Override
  public long monotonicTime() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
