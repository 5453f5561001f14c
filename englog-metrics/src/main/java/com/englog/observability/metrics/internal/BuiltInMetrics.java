package com.englog.observability.metrics.internal;

import com.englog.observability.metrics.AiErrorClassifier;
import com.englog.observability.metrics.AiErrorType;
import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.LabelValues;
import com.englog.observability.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Not public API.
 *
 * <p>The 14 built-in metric families of an {@code EnglogMetrics} — their labels, help texts and
 * limits, registered through {@link GuardedMeters} — and the recording into them. Every method records
 * without throwing: a failure is counted in {@code englog_metrics_recordings_dropped_total{metric}}.
 * Durations arrive as clamped nanoseconds.
 */
public final class BuiltInMetrics {

  /** The default cardinality limit of each built-in metric (docs/metrics.md shows the arithmetic). */
  public static final Map<String, Integer> DEFAULT_LIMITS = defaultLimits();

  static final String HELP_HTTP_REQUESTS = "HTTP requests served, by method, route template and status code.";
  static final String HELP_HTTP_DURATION = "HTTP request duration in seconds, by method and route template.";
  static final String HELP_JOURNALS =
      "Journals created, by entry type (user_id only when the service opts in).";
  static final String HELP_AI_DURATION = "AI processing duration in seconds, by task type and provider.";
  static final String HELP_AI_ERRORS =
      "AI processing errors, by task type, provider and classified error type.";
  static final String HELP_DB_QUERY = "Database query duration in seconds, by operation and table.";
  static final String HELP_CACHE_HITS = "Cache hits, by cache type and key pattern.";
  static final String HELP_CACHE_MISSES = "Cache misses, by cache type and key pattern.";
  static final String HELP_USERS_ACTIVE = "Active users in a time window.";
  static final String HELP_SESSIONS = "User sessions started, by authentication method.";
  static final String HELP_AUTH_FAILURES =
      "Failed authentication attempts, by authentication method, reason and route template.";
  static final String HELP_ACCESS_DENIED = "Authenticated requests denied by authorization, by route template.";
  static final String HELP_RATE_LIMITED = "Requests rejected by rate limiting, by route template.";
  static final String HELP_AUDIT = "Audit events recorded, by action and outcome.";

  private final GuardedMeters meters;
  private final boolean userIdLabel;
  private final AiErrorClassifier classifier;

  private final SeriesFamily<HttpSeries> httpDuration;
  private final SeriesFamily<Counter> httpRequests;
  private final SeriesFamily<Counter> journals;
  private final SeriesFamily<HistogramCell> aiDuration;
  private final SeriesFamily<Counter> aiErrors;
  private final SeriesFamily<HistogramCell> dbQuery;
  private final SeriesFamily<Counter> cacheHits;
  private final SeriesFamily<Counter> cacheMisses;
  private final SeriesFamily<AtomicLong> usersActive;
  private final SeriesFamily<Counter> sessions;
  private final SeriesFamily<Counter> authFailures;
  private final SeriesFamily<Counter> accessDenied;
  private final SeriesFamily<Counter> rateLimited;
  private final SeriesFamily<Counter> audit;

  /**
   * Registers the families (and the series whose label values are declared or closed).
   *
   * @param classifier the service's AI error classifier, tried before the standard one, or null
   */
  public BuiltInMetrics(GuardedMeters meters, boolean userIdLabel, @Nullable AiErrorClassifier classifier) {
    this.meters = meters;
    this.userIdLabel = userIdLabel;
    this.classifier = classifier;
    // method keeps its value while endpoint folds, and becomes OTHER only in the last resort;
    // status_code never folds (into other it would hide 5xx from the error-rate alerts), so the last
    // resort of the request counter reserves one combination per status code.
    LabelSpec method = LabelSpec.closedFoldingLast("method", EnglogMetrics.HTTP_METHODS, "OTHER", true);
    LabelSpec endpoint = LabelSpec.open("endpoint");
    SeriesFamily.Factory<HistogramCell> httpCells = meters.histogramCells(
        MetricNames.HTTP_REQUEST_DURATION_SECONDS, HELP_HTTP_DURATION, List.of(method, endpoint),
        EnglogMetrics.HTTP_DURATION_BUCKETS);
    this.httpDuration = meters.builtIn(MetricNames.HTTP_REQUEST_DURATION_SECONDS, List.of(method, endpoint),
        ExposedSeries.histogram(EnglogMetrics.HTTP_DURATION_BUCKETS.size()),
        values -> new HttpSeries(values.get(0), values.get(1), httpCells.create(values)), false);
    this.httpRequests = meters.counters(MetricNames.HTTP_REQUESTS_TOTAL, HELP_HTTP_REQUESTS,
        List.of(method, endpoint,
            LabelSpec.bounded("status_code", StatusCodes.values(), StatusCodes.OTHER)));
    this.journals = meters.counters(MetricNames.BUSINESS_JOURNALS_CREATED_TOTAL, HELP_JOURNALS,
        userIdLabel ? List.of(LabelSpec.open("user_id"), LabelSpec.open("entry_type"))
            : List.of(LabelSpec.open("entry_type")));
    List<LabelSpec> ai = List.of(LabelSpec.open("task_type"), LabelSpec.open("provider"));
    this.aiDuration = meters.histograms(MetricNames.AI_PROCESSING_DURATION_SECONDS, HELP_AI_DURATION, ai,
        EnglogMetrics.AI_DURATION_BUCKETS);
    this.aiErrors = meters.counters(MetricNames.AI_PROCESSING_ERRORS_TOTAL, HELP_AI_ERRORS,
        List.of(ai.get(0), ai.get(1),
            LabelSpec.closed("error_type", AiErrorType.labelValues(), "unknown", false)));
    this.dbQuery = meters.histograms(MetricNames.DATABASE_QUERY_DURATION_SECONDS, HELP_DB_QUERY,
        List.of(LabelSpec.open("operation"), LabelSpec.open("table")), EnglogMetrics.DB_QUERY_BUCKETS);
    List<LabelSpec> cache = List.of(LabelSpec.open("cache_type"), LabelSpec.open("key_pattern"));
    this.cacheHits = meters.counters(MetricNames.CACHE_HITS_TOTAL, HELP_CACHE_HITS, cache);
    this.cacheMisses = meters.counters(MetricNames.CACHE_MISSES_TOTAL, HELP_CACHE_MISSES, cache);
    List<LabelSpec> window =
        List.of(LabelSpec.closed("time_window", EnglogMetrics.ACTIVE_USER_WINDOWS, null, false));
    // Not pre-registered from its closed set: a service that never computes active users must not
    // expose 0 (alerts on low activity would fire for it); the series appear with the first update, or
    // at 0 from the start for the windows the service declares (declareLabelValues("time_window", ...)).
    this.usersActive = meters.builtIn(MetricNames.USERS_ACTIVE, window, ExposedSeries.GAUGE, values -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(MetricNames.USERS_ACTIVE, value, AtomicLong::get).description(HELP_USERS_ACTIVE)
          .tags(GuardedMeters.tags(window, values)).strongReference(true).register(meters.registry());
      return value;
    }, true);
    LabelSpec authMethod = LabelSpec.open("auth_method");
    this.sessions = meters.counters(MetricNames.USERS_SESSIONS_TOTAL, HELP_SESSIONS, List.of(authMethod));
    this.authFailures = meters.counters(MetricNames.SECURITY_AUTHENTICATION_FAILURES_TOTAL,
        HELP_AUTH_FAILURES, List.of(authMethod,
            LabelSpec.closed("reason", AuthFailureReason.labelValues(), "other", false), endpoint));
    this.accessDenied = meters.counters(MetricNames.SECURITY_ACCESS_DENIED_TOTAL, HELP_ACCESS_DENIED,
        List.of(endpoint));
    this.rateLimited = meters.counters(MetricNames.SECURITY_RATE_LIMITED_TOTAL, HELP_RATE_LIMITED,
        List.of(endpoint));
    this.audit = meters.counters(MetricNames.SECURITY_AUDIT_EVENTS_TOTAL, HELP_AUDIT,
        List.of(LabelSpec.open("action"),
            LabelSpec.closed("outcome", List.of("success", "failure"), null, false)));
  }


  public void httpRequest(String method, String route, int status, long nanos) {
    httpRequest(method, route, status, nanos, true);
  }

  /**
   * Counts a request without observing its duration. The route's series is resolved through the
   * duration family all the same, so both families fold the same routes the same way (its histogram is
   * exposed, at zero observations, like any route's).
   */
  public void httpRequestCount(String method, String route, int status) {
    httpRequest(method, route, status, 0L, false);
  }

  private void httpRequest(String method, String route, int status, long nanos, boolean observe) {
    try {
      HttpSeries s = httpDuration.get(method, route);
      if (s == null) {
        return;
      }
      if (observe) {
        s.duration().record(nanos);
      }
      Counter c = s.requests(status, httpRequests);
      if (c != null) {
        c.increment();
      }
    } catch (RuntimeException e) {
      meters.dropped(MetricNames.HTTP_REQUESTS_TOTAL, e);
    }
  }

  public void journalCreated(String userId, String entryType) {
    if (userIdLabel) {
      increment(journals, userId, entryType);
    } else {
      increment(journals, entryType);
    }
  }

  public void aiProcessing(String taskType, String provider, long nanos, @Nullable Throwable error) {
    try {
      HistogramCell h = aiDuration.get(taskType, provider);
      if (h != null) {
        h.record(nanos);
      }
      if (error != null) {
        Counter c = aiErrors.get(taskType, provider, classify(error).labelValue());
        if (c != null) {
          c.increment();
        }
      }
    } catch (RuntimeException e) {
      meters.dropped(MetricNames.AI_PROCESSING_DURATION_SECONDS, e);
    }
  }

  public void databaseQuery(String operation, String table, long nanos) {
    try {
      HistogramCell h = dbQuery.get(operation, table);
      if (h != null) {
        h.record(nanos);
      }
    } catch (RuntimeException e) {
      meters.dropped(MetricNames.DATABASE_QUERY_DURATION_SECONDS, e);
    }
  }

  public void cacheHit(String cacheType, String keyPattern) {
    increment(cacheHits, cacheType, keyPattern);
  }

  public void cacheMiss(String cacheType, String keyPattern) {
    increment(cacheMisses, cacheType, keyPattern);
  }

  public void activeUsers(long count, String timeWindow) {
    try {
      AtomicLong v = usersActive.get(timeWindow);
      if (v != null) {
        v.set(Math.max(0, count));
      }
    } catch (RuntimeException e) {
      meters.dropped(MetricNames.USERS_ACTIVE, e);
    }
  }

  public void userSession(String authMethod) {
    increment(sessions, authMethod);
  }

  public void authenticationFailure(String authMethod, @Nullable AuthFailureReason reason,
      @Nullable String route) {
    increment(authFailures, authMethod, (reason == null ? AuthFailureReason.OTHER : reason).labelValue(),
        route == null ? LabelValues.UNKNOWN : route);
  }

  public void accessDenied(String route) {
    increment(accessDenied, route);
  }

  public void rateLimited(String route) {
    increment(rateLimited, route);
  }

  public void auditEvent(String action, boolean success) {
    increment(audit, action, success ? "success" : "failure");
  }

  /** Adds 1 to the series of {@code a}; a failure is counted as a dropped recording, never thrown. */
  private void increment(SeriesFamily<Counter> family, String a) {
    try {
      Counter c = family.get(a);
      if (c != null) {
        c.increment();
      }
    } catch (RuntimeException e) {
      meters.dropped(family.metric(), e);
    }
  }

  /** Adds 1 to the series of {@code a}, {@code b}; a failure is counted, never thrown. */
  private void increment(SeriesFamily<Counter> family, String a, String b) {
    try {
      Counter c = family.get(a, b);
      if (c != null) {
        c.increment();
      }
    } catch (RuntimeException e) {
      meters.dropped(family.metric(), e);
    }
  }

  /** Adds 1 to the series of {@code a}, {@code b}, {@code c}; a failure is counted, never thrown. */
  private void increment(SeriesFamily<Counter> family, String a, String b, String c) {
    try {
      Counter counter = family.get(a, b, c);
      if (counter != null) {
        counter.increment();
      }
    } catch (RuntimeException e) {
      meters.dropped(family.metric(), e);
    }
  }

  private AiErrorType classify(Throwable error) {
    if (classifier != null) {
      try {
        AiErrorType t = classifier.classify(error);
        if (t != null) {
          return t;
        }
      } catch (RuntimeException e) {
        // A failing custom classifier must not lose the error: fall back to the standard one.
      }
    }
    return StandardAiErrorClassifier.INSTANCE.classify(error);
  }

  private static Map<String, Integer> defaultLimits() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(MetricNames.HTTP_REQUEST_DURATION_SECONDS, 9_840);
    m.put(MetricNames.HTTP_REQUESTS_TOTAL, 8_360);
    m.put(MetricNames.BUSINESS_JOURNALS_CREATED_TOTAL, 60);
    m.put(MetricNames.AI_PROCESSING_DURATION_SECONDS, 180);
    m.put(MetricNames.AI_PROCESSING_ERRORS_TOTAL, 120);
    m.put(MetricNames.DATABASE_QUERY_DURATION_SECONDS, 260);
    m.put(MetricNames.CACHE_HITS_TOTAL, 100);
    m.put(MetricNames.CACHE_MISSES_TOTAL, 100);
    m.put(MetricNames.USERS_ACTIVE, 10);
    m.put(MetricNames.USERS_SESSIONS_TOTAL, 20);
    m.put(MetricNames.SECURITY_AUTHENTICATION_FAILURES_TOTAL, 80);
    m.put(MetricNames.SECURITY_ACCESS_DENIED_TOTAL, 60);
    m.put(MetricNames.SECURITY_RATE_LIMITED_TOTAL, 60);
    m.put(MetricNames.SECURITY_AUDIT_EVENTS_TOTAL, 100);
    return Collections.unmodifiableMap(m);
  }
}
