package com.englog.observability.metrics;

/**
 * Label values with a fixed meaning, spelled once: the catch-alls the cardinality guard writes
 * ({@link #UNKNOWN}, {@link #OTHER}) and the {@code endpoint} buckets of requests that have no route
 * template. Dashboards, alert rules and framework adapters refer to these constants.
 *
 * <p>The endpoint buckets are UPPER_CASE words without a leading {@code /}, so they can never collide with
 * a route template ({@code /api/v1/journals/{id}}):
 *
 * <pre>{@code
 * // A framework adapter that found no handler for a request:
 * metrics.recordHttpRequest("GET", LabelValues.NOT_FOUND, 404, elapsed);
 * // PromQL: the share of traffic no route matched
 * //   sum(rate(englog_http_requests_total{endpoint=~"NOT_FOUND|UNMATCHED"}[5m]))
 * }</pre>
 */
public final class LabelValues {

  /** The value of a label whose input was null, empty or blank. */
  public static final String UNKNOWN = "unknown";
  /**
   * The catch-all of a closed set ({@code status_code}, {@code reason}, …) and the value a guarded label
   * folds into once its metric reached its series limit.
   */
  public static final String OTHER = "other";

  /** Endpoint of a request no route matched that was answered 404. */
  public static final String NOT_FOUND = "NOT_FOUND";
  /** Endpoint of a redirect (3xx) answered before or outside any route, e.g. a trailing-slash redirect. */
  public static final String REDIRECTION = "REDIRECTION";
  /**
   * Endpoint of a request served without a route template: by a servlet mapped as the default servlet
   * ({@code /}) or by extension ({@code *.jsp}), whose match value is the raw path.
   */
  public static final String UNMATCHED = "UNMATCHED";
  /** Endpoint of a request rejected with 401 or 403 before routing (by an authentication filter). */
  public static final String REJECTED = "REJECTED";
  /** Endpoint of a request whose method is not one of {@link EnglogMetrics#HTTP_METHODS}. */
  public static final String UNKNOWN_METHOD = "UNKNOWN_METHOD";
  /** Endpoint of a WebSocket upgrade (status 101); the request ends at the handshake. */
  public static final String WEBSOCKET = "WEBSOCKET";

  private LabelValues() {}
}
