package com.englog.observability.metrics;

/**
 * Prometheus names of the EngLog metrics, as dashboards and alert rules query them.
 */
public final class MetricNames {

  public static final String HTTP_REQUESTS_TOTAL = "englog_http_requests_total";
  public static final String HTTP_REQUEST_DURATION_SECONDS = "englog_http_request_duration_seconds";

  private MetricNames() {}
}
