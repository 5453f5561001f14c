package com.englog.observability.health;

/**
 * Something that may bring a failing component back: reconnect a pool, clear a cache, restart a
 * consumer. Registered with {@link ComponentOptions.Builder#recovery(String, RecoveryAction, RecoveryPolicy)}.
 *
 * <p>Runs on a runtime thread dedicated to recovery, never on a request thread, at most one attempt
 * per action at a time. An action that throws counts as a failed attempt; one that outlives {@link
 * RecoveryPolicy#timeout()} counts as timed out and is interrupted. Neither affects the health
 * runtime.
 */
@FunctionalInterface
public interface RecoveryAction {

  /**
   * Attempts the recovery.
   *
   * @param failing the component's last result (DOWN), for logging or choosing what to do
   * @throws Exception when the attempt failed
   */
  void recover(ComponentHealth failing) throws Exception;
}
