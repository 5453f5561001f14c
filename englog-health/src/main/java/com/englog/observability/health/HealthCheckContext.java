package com.englog.observability.health;

import java.time.Duration;

/**
 * What the runtime tells a running check: its component's name, how much time is left, and where to
 * register hooks that unblock it when the deadline passes.
 */
public interface HealthCheckContext {

  /** The name the indicator was registered under. */
  String component();

  /** The check's deadline as given in {@link ComponentOptions.Builder#deadline(Duration)}. */
  Duration deadline();

  /** Time left until the deadline; zero or negative once it has passed. */
  Duration remaining();

  /**
   * Registers a hook that the runtime runs once if this check overruns its deadline, for example
   * {@code socket::close} or {@code () -> connection.abort(executor)}. If the deadline has already
   * passed, the hook runs at once on the calling thread. Hooks run on a runtime thread, must be quick,
   * must not block, and their exceptions are logged and ignored.
   */
  void onAbort(AutoCloseable hook);
}
