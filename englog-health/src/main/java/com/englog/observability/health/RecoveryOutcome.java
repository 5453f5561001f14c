package com.englog.observability.health;

/**
 * How one attempt of a {@link RecoveryAction} ended, as {@link HealthListener#onRecoveryAttempt}
 * hears it. The lower-case name is the {@code outcome} label of {@code
 * englog_health_recovery_attempts_total}.
 */
public enum RecoveryOutcome {
  /** The action returned normally. */
  SUCCESS,
  /** The action threw, or the runtime could not start it. */
  FAILURE,
  /** The action outlived {@link RecoveryPolicy#timeout()} and was interrupted. */
  TIMEOUT
}
