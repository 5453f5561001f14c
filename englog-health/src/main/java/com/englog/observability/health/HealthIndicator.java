package com.englog.observability.health;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * One health check: the SPI every built-in and custom indicator implements.
 *
 * <pre>{@code
 * HealthIndicator queue = context -> consumer.isConnected()
 *     ? Health.up().build()
 *     : Health.down("consumer disconnected").build();
 * }</pre>
 *
 * <p>The {@link HealthRegistry} runs indicators on its own bounded executor, at most one check per
 * indicator at a time, and enforces a deadline: an indicator does not need its own timeout logic, but
 * it should register a way to unblock itself with {@link HealthCheckContext#onAbort} (close a socket,
 * {@code Connection.abort}) when it can block on I/O, so a hung dependency does not pin its thread
 * longer than necessary. A thrown exception is reported as DOWN with the exception as the reason.
 * Implementations must be thread-safe (checks of one indicator never overlap, but run on different
 * threads).
 */
@FunctionalInterface
public interface HealthIndicator {

  /**
   * Checks the dependency.
   *
   * @param context the deadline of this check and a place to register abort hooks
   * @return the result; null is reported as UNKNOWN
   * @throws Exception reported as DOWN with the exception's message as the reason
   */
  @Nullable Health check(HealthCheckContext context) throws Exception;

  /**
   * An indicator from a yes/no probe: {@code true} is UP, {@code false} is DOWN ("probe returned
   * false"), an exception is DOWN with its message.
   *
   * <pre>{@code
   * HealthIndicator consumer = HealthIndicator.of(() -> kafkaConsumer.assignment().size() > 0);
   * }</pre>
   */
  static HealthIndicator of(Callable<Boolean> probe) {
    Objects.requireNonNull(probe, "probe");
    return context -> Boolean.TRUE.equals(probe.call())
        ? Health.up().build()
        : Health.down("probe returned false").build();
  }
}
