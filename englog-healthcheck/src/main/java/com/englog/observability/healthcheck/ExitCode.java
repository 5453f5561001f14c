package com.englog.observability.healthcheck;

/** Exit codes of the health-check CLI. */
public final class ExitCode {

  /** Every check passed. */
  public static final int HEALTHY = 0;
  /** At least one check failed. */
  public static final int UNHEALTHY = 1;
  /** The configuration or the command line is invalid. */
  public static final int USAGE = 2;
  /** Every check passed, but the Slack summary could not be delivered. */
  public static final int NOTIFICATION_FAILED = 3;

  private ExitCode() {}
}
