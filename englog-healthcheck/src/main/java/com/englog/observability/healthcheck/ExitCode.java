package com.englog.observability.healthcheck;

/** Exit codes of the health-check CLI; {@link #code()} is what the process exits with. */
public enum ExitCode {

  /** Every check passed (warnings allowed). */
  HEALTHY(0),
  /** At least one check failed. */
  UNHEALTHY(1),
  /** The configuration or the command line is invalid. */
  USAGE(2),
  /** Every check passed, but the Slack summary could not be delivered. */
  NOTIFICATION_FAILED(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit status: 0, 1, 2 or 3. */
  public int code() {
    return code;
  }
}
