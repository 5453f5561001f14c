package com.englog.observability.metrics;

/**
 * Prometheus names of the EngLog metrics exactly as exposed (counters with {@code _total}; histograms
 * by their base name), as dashboards and alert rules query them. The metric catalog
 * ({@code META-INF/englog/metrics-catalog/englog-metrics.json}) lists them with their labels.
 */
public final class MetricNames {

  public static final String HTTP_REQUESTS_TOTAL = "englog_http_requests_total";
  public static final String HTTP_REQUEST_DURATION_SECONDS = "englog_http_request_duration_seconds";
  public static final String BUSINESS_JOURNALS_CREATED_TOTAL = "englog_business_journals_created_total";
  public static final String AI_PROCESSING_DURATION_SECONDS = "englog_ai_processing_duration_seconds";
  public static final String AI_PROCESSING_ERRORS_TOTAL = "englog_ai_processing_errors_total";
  public static final String DATABASE_CONNECTIONS_ACTIVE = "englog_database_connections_active";
  public static final String DATABASE_CONNECTIONS_IDLE = "englog_database_connections_idle";
  public static final String DATABASE_CONNECTIONS_MAX = "englog_database_connections_max";
  public static final String DATABASE_CONNECTIONS_PENDING = "englog_database_connections_pending";
  public static final String DATABASE_QUERY_DURATION_SECONDS = "englog_database_query_duration_seconds";
  public static final String CACHE_HITS_TOTAL = "englog_cache_hits_total";
  public static final String CACHE_MISSES_TOTAL = "englog_cache_misses_total";
  /** A gauge, hence no {@code _total}. */
  public static final String USERS_ACTIVE = "englog_users_active";
  public static final String USERS_SESSIONS_TOTAL = "englog_users_sessions_total";
  public static final String SECURITY_AUTHENTICATION_FAILURES_TOTAL =
      "englog_security_authentication_failures_total";
  public static final String SECURITY_ACCESS_DENIED_TOTAL = "englog_security_access_denied_total";
  public static final String SECURITY_RATE_LIMITED_TOTAL = "englog_security_rate_limited_total";
  public static final String SECURITY_REDACTIONS_TOTAL = "englog_security_redactions_total";
  public static final String SECURITY_AUDIT_EVENTS_TOTAL = "englog_security_audit_events_total";
  public static final String METRICS_CARDINALITY_OVERFLOW_TOTAL =
      "englog_metrics_cardinality_overflow_total";
  public static final String METRICS_RECORDINGS_DROPPED_TOTAL = "englog_metrics_recordings_dropped_total";

  private MetricNames() {}
}
