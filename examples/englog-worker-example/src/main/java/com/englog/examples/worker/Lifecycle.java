package com.englog.examples.worker;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthIndicator;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Running or shutting down. Shutting down makes the {@code lifecycle} health component DOWN; it is in
 * the readiness group only, so {@code /health/ready} answers 503 from the first moment of a SIGTERM
 * (nothing should hand this process new work) while {@code /health/live} stays 200 (nothing should
 * restart it while it drains).
 */
final class Lifecycle {

  private final AtomicBoolean shuttingDown = new AtomicBoolean();

  /** Starts the shutdown; false if it had started already. */
  boolean beginShutdown() {
    return shuttingDown.compareAndSet(false, true);
  }

  boolean isShuttingDown() {
    return shuttingDown.get();
  }

  HealthIndicator readiness() {
    return context -> shuttingDown.get()
        ? Health.down("shutting down: draining jobs in flight").build()
        : Health.up().build();
  }
}
