package com.englog.observability.health;

/**
 * Hears about status changes and recovery attempts, e.g. to send events or to trace them. Every
 * method has an empty default.
 *
 * <p>Methods run on the runtime thread that produced the result (a check, timer or recovery thread),
 * never on a request thread. They must be quick, must not block and must not throw; an exception is
 * logged and ignored.
 */
public interface HealthListener {

  /**
   * A component's status changed.
   *
   * @param previous the status before (UNKNOWN before the first check)
   * @param current the new result
   */
  default void onStatusChange(Status previous, ComponentHealth current) {}

  /**
   * A recovery action finished.
   *
   * @param component the component the action belongs to
   * @param action the name the action was registered under
   * @param outcome how the attempt ended
   */
  default void onRecoveryAttempt(String component, String action, RecoveryOutcome outcome) {}
}
