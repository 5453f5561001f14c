package com.englog.observability.metrics;

import com.englog.observability.common.internal.HikariProbe;
import com.englog.observability.common.internal.Settings;
import com.englog.observability.metrics.internal.ExactNamingConvention;
import com.englog.observability.metrics.internal.ExposedSeries;
import com.englog.observability.metrics.internal.FastHistogram;
import com.englog.observability.metrics.internal.FastHistogramCollector;
import com.englog.observability.metrics.internal.FastHistogramFamily;
import com.englog.observability.metrics.internal.HistogramCell;
import com.englog.observability.metrics.internal.HttpSeries;
import com.englog.observability.metrics.internal.JavaTimeClock;
import com.englog.observability.metrics.internal.JvmMetricsBinder;
import com.englog.observability.metrics.internal.LabelSpec;
import com.englog.observability.metrics.internal.Naming;
import com.englog.observability.metrics.internal.SeriesBudget;
import com.englog.observability.metrics.internal.SeriesFamily;
import com.englog.observability.metrics.internal.StandardAiErrorClassifier;
import com.englog.observability.metrics.internal.StatusCodes;
import com.englog.observability.metrics.internal.TimerCell;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Typed recorders for every EngLog metric, on a Micrometer {@link MeterRegistry} (a
 * {@link PrometheusMeterRegistry} unless you pass another).
 *
 * <pre>{@code
 * EnglogMetrics metrics = EnglogMetrics.builder()
 *     .declareLabelValues("entry_type", "text", "voice")   // exposed at 0 from the first scrape
 *     .build();
 * metrics.recordJournalCreated(userId, "text");
 * metrics.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, Duration.ofMillis(12));
 * ScrapeHandler scrape = metrics.scrapeHandler();          // for /metrics
 * }</pre>
 *
 * <p>Names, label names and histogram buckets are the operators' contract (the metric catalog
 * {@code META-INF/englog/metrics-catalog/englog-metrics.json} lists them). Every label value passes
 * through the cardinality guard: values of a closed set are normalised (unknown ones become that set's
 * {@code other}/{@code OTHER}/{@code unknown}); other values count towards a per-metric limit of exposed
 * series (every bucket, {@code _max} and {@code _created} line counts), past which new values fold into
 * {@code other} and {@code englog_metrics_cardinality_overflow_total{metric}} counts the folded
 * recordings. The limits add up to at most the instance's series budget
 * ({@value #DEFAULT_SERIES_BUDGET} by default), so whatever values callers pass the exposition stays
 * within it. Null, empty, huge or odd values never throw. Recording with label values that already have
 * a series neither allocates nor locks.
 *
 * <p>Recorders never throw: a recording that cannot be made (a value a closed label rejects, a meter the
 * registry refuses) is counted in {@code englog_metrics_recordings_dropped_total{metric}}.
 *
 * <p>Thread-safe. Create one per service and share it; {@link Metrics} is a static facade over one.
 */
public final class EnglogMetrics implements AutoCloseable {

  /**
   * Exposed series one instance may have: the cardinality limits of its metrics, the JVM metrics'
   * allowance, the guard's own counters and connection pool gauges add up to at most this.
   */
  public static final int DEFAULT_SERIES_BUDGET = 20_000;
  /**
   * Exposed series a custom metric with labels may have unless it sets its own
   * {@code cardinalityLimit}; a custom metric without labels takes exactly what its one series costs.
   */
  public static final int DEFAULT_CARDINALITY_LIMIT = 100;
  /**
   * Exposed series set aside for the JVM, process and system metrics when they are bound (about 70 on
   * a typical JVM).
   */
  public static final int JVM_SERIES_ALLOWANCE = 200;
  /** Longest label value kept; longer values are cut to this many characters. */
  public static final int DEFAULT_MAX_LABEL_VALUE_LENGTH = 128;
  /** HTTP request duration buckets in seconds: Prometheus' default buckets. */
  public static final List<Double> HTTP_DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
  /** AI processing duration buckets in seconds. */
  public static final List<Double> AI_DURATION_BUCKETS = List.of(1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);
  /** Database query duration buckets in seconds. */
  public static final List<Double> DB_QUERY_BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0);
  /** The closed set of HTTP methods; any other method is recorded as {@code OTHER}. */
  public static final List<String> HTTP_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "OTHER");
  /** The time windows of {@code englog_users_active}. */
  public static final List<String> ACTIVE_USER_WINDOWS = List.of("1h", "24h", "7d");
  /** The kinds of {@code englog_security_redactions_total}. */
  public static final List<String> REDACTION_KINDS = List.of("credential", "pii", "field");
  /**
   * Longest duration a histogram records: a longer one (a clock jump, a start time never set) is counted
   * in the {@code +Inf} bucket as this long, so one bad value cannot dominate {@code _sum} for ever.
   */
  public static final Duration MAX_RECORDED_DURATION = Duration.ofDays(365);

  private static final long MAX_RECORDED_NANOS = MAX_RECORDED_DURATION.toNanos();

  /**
   * Counters of rare events by {@code endpoint}: the route templates a service declares for its HTTP
   * metrics start them at 0 only when they fit their (small) limits; otherwise a route's series appears
   * with its first recording, and declaring hundreds of routes still builds.
   */
  private static final Set<String> SHARED_ENDPOINT =
      Set.of(MetricNames.SECURITY_ACCESS_DENIED_TOTAL, MetricNames.SECURITY_RATE_LIMITED_TOTAL);

  /**
   * The cardinality limit of each built-in metric, in exposed series, for the default series budget:
   * 300 route templates x 2 methods x 6 status codes never fold on the HTTP metrics
   * (docs/metrics.md shows the arithmetic).
   */
  public static final Map<String, Integer> DEFAULT_CARDINALITY_LIMITS = defaultLimits();

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

  static final String HELP_HTTP_REQUESTS = "HTTP requests served, by method, route template and status code.";
  static final String HELP_HTTP_DURATION = "HTTP request duration in seconds, by method and route template.";
  static final String HELP_JOURNALS =
      "Journals created, by entry type (user_id only when the service opts in).";
  static final String HELP_AI_DURATION = "AI processing duration in seconds, by task type and provider.";
  static final String HELP_AI_ERRORS =
      "AI processing errors, by task type, provider and classified error type.";
  static final String HELP_DB_ACTIVE = "Database connections in use, by database (pool).";
  static final String HELP_DB_IDLE = "Idle database connections in the pool, by database.";
  static final String HELP_DB_MAX = "Maximum database connections the pool allows, by database.";
  static final String HELP_DB_PENDING = "Threads waiting for a database connection, by database.";
  static final String HELP_DB_QUERY = "Database query duration in seconds, by operation and table.";
  static final String HELP_CACHE_HITS = "Cache hits, by cache type and key pattern.";
  static final String HELP_CACHE_MISSES = "Cache misses, by cache type and key pattern.";
  static final String HELP_USERS_ACTIVE = "Active users in a time window.";
  static final String HELP_SESSIONS = "User sessions started, by authentication method.";
  static final String HELP_AUTH_FAILURES =
      "Failed authentication attempts, by authentication method and reason.";
  static final String HELP_ACCESS_DENIED = "Authenticated requests denied by authorization, by route template.";
  static final String HELP_RATE_LIMITED = "Requests rejected by rate limiting, by route template.";
  static final String HELP_REDACTIONS = "Secrets and personal data redacted from logs, by kind.";
  static final String HELP_AUDIT = "Audit events recorded, by action and outcome.";
  static final String HELP_OVERFLOW =
      "Label values folded into \"other\" because a metric reached its series cap, by metric.";
  static final String HELP_DROPPED =
      "Recordings dropped because a label value was rejected or the meter could not be registered, by metric.";

  private static final System.Logger LOG = System.getLogger(EnglogMetrics.class.getName());

  private final MeterRegistry registry;
  private final boolean ownsRegistry;
  private final JvmMetricsBinder jvm;
  private final int limitCap;
  private final Map<String, Integer> limits;
  private final SeriesBudget budget;
  private final int maxLabelValueLength;
  private final boolean userIdLabel;
  private final Map<String, List<String>> declared;
  private final AiErrorClassifier classifier;
  private final SpanContext spanContext;
  private final FastHistogramCollector histograms;
  private final Labels histogramCommonLabels;

  private final Map<String, Counter> droppedCounters = new ConcurrentHashMap<>();
  private final Set<String> customNames = ConcurrentHashMap.newKeySet();
  private final Map<String, SeriesFamily<?>> customFamilies = new ConcurrentHashMap<>();
  private final Set<String> pools = ConcurrentHashMap.newKeySet();
  private final Map<String, List<LongSupplier>> redactions = new LinkedHashMap<>();

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

  private EnglogMetrics(Builder b) {
    this.ownsRegistry = b.registry == null;
    this.registry = b.registry != null ? b.registry
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
            b.clock != null ? JavaTimeClock.of(b.clock) : io.micrometer.core.instrument.Clock.SYSTEM,
            b.spanContext);
    this.limitCap = b.cardinalityLimit;
    this.limits = Map.copyOf(b.limits);
    this.budget = new SeriesBudget(b.seriesBudget);
    this.maxLabelValueLength = b.maxLabelValueLength;
    this.userIdLabel = b.userIdLabel;
    this.declared = copy(b.declared);
    this.classifier = b.classifier;
    this.spanContext = b.spanContext;
    if (registry instanceof PrometheusMeterRegistry) {
      this.histograms = FastHistogramCollector.of(
          ((PrometheusMeterRegistry) registry).getPrometheusRegistry(), registry.config().clock());
    } else {
      this.histograms = null;
    }
    registry.config().namingConvention(new ExactNamingConvention(registry.config().namingConvention(),
        Set.of(stripTotal(MetricNames.BUSINESS_JOURNALS_CREATED_TOTAL))));
    if (b.commonTags.iterator().hasNext()) {
      registry.config().commonTags(b.commonTags);
    }

    // Registered first: their ids, as the registry's filters mapped them, tell which common tags the
    // histogram series (not Micrometer meters, so no filter sees them) must carry too.
    Meter representative = null;
    budget.claim(MetricNames.SECURITY_REDACTIONS_TOTAL, REDACTION_KINDS.size() * ExposedSeries.COUNTER);
    if (b.jvmMetrics) {
      budget.claim("the JVM, process and system metrics", JVM_SERIES_ALLOWANCE);
    }
    for (String kind : REDACTION_KINDS) {
      List<LongSupplier> sources = new CopyOnWriteArrayList<>();
      redactions.put(kind, sources);
      representative = FunctionCounter.builder(stripTotal(MetricNames.SECURITY_REDACTIONS_TOTAL), sources,
              EnglogMetrics::sum)
          .description(HELP_REDACTIONS).tag("kind", kind).register(registry);
    }
    this.histogramCommonLabels = histograms == null ? Labels.EMPTY
        : commonLabels(representative, Set.of("kind"), registry.config().namingConvention());

    // method keeps its value while endpoint folds, and becomes OTHER only in the last resort;
    // status_code never folds (into other it would hide 5xx from the error-rate alerts), so the last
    // resort of the request counter reserves one combination per status code.
    LabelSpec method = LabelSpec.closedFoldingLast("method", HTTP_METHODS, "OTHER", true);
    LabelSpec endpoint = LabelSpec.open("endpoint");
    SeriesFamily.Factory<HistogramCell> httpCells = histogramCells(
        MetricNames.HTTP_REQUEST_DURATION_SECONDS, HELP_HTTP_DURATION, List.of(method, endpoint),
        HTTP_DURATION_BUCKETS);
    this.httpDuration = family(MetricNames.HTTP_REQUEST_DURATION_SECONDS, List.of(method, endpoint),
        ExposedSeries.histogram(HTTP_DURATION_BUCKETS.size()),
        values -> new HttpSeries(values.get(0), values.get(1), httpCells.create(values)), false);
    this.httpRequests = counterFamily(MetricNames.HTTP_REQUESTS_TOTAL, HELP_HTTP_REQUESTS,
        List.of(method, endpoint,
            LabelSpec.bounded("status_code", StatusCodes.values(), StatusCodes.OTHER)));
    this.journals = counterFamily(MetricNames.BUSINESS_JOURNALS_CREATED_TOTAL, HELP_JOURNALS,
        userIdLabel ? List.of(LabelSpec.open("user_id"), LabelSpec.open("entry_type"))
            : List.of(LabelSpec.open("entry_type")));
    List<LabelSpec> ai = List.of(LabelSpec.open("task_type"), LabelSpec.open("provider"));
    this.aiDuration = timerFamily(MetricNames.AI_PROCESSING_DURATION_SECONDS, HELP_AI_DURATION, ai,
        AI_DURATION_BUCKETS);
    this.aiErrors = counterFamily(MetricNames.AI_PROCESSING_ERRORS_TOTAL, HELP_AI_ERRORS,
        List.of(ai.get(0), ai.get(1),
            LabelSpec.closed("error_type", AiErrorType.labelValues(), "unknown", false)));
    this.dbQuery = timerFamily(MetricNames.DATABASE_QUERY_DURATION_SECONDS, HELP_DB_QUERY,
        List.of(LabelSpec.open("operation"), LabelSpec.open("table")), DB_QUERY_BUCKETS);
    List<LabelSpec> cache = List.of(LabelSpec.open("cache_type"), LabelSpec.open("key_pattern"));
    this.cacheHits = counterFamily(MetricNames.CACHE_HITS_TOTAL, HELP_CACHE_HITS, cache);
    this.cacheMisses = counterFamily(MetricNames.CACHE_MISSES_TOTAL, HELP_CACHE_MISSES, cache);
    List<LabelSpec> window = List.of(LabelSpec.closed("time_window", ACTIVE_USER_WINDOWS, null, false));
    // Not pre-registered from its closed set: a service that never computes active users must not
    // expose 0 (alerts on low activity would fire for it); the series appear with the first update, or
    // at 0 from the start for the windows the service declares (declareLabelValues("time_window", ...)).
    this.usersActive = family(MetricNames.USERS_ACTIVE, window, ExposedSeries.GAUGE, values -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(MetricNames.USERS_ACTIVE, value, AtomicLong::get).description(HELP_USERS_ACTIVE)
          .tags(tags(window, values)).strongReference(true).register(registry);
      return value;
    }, true);
    LabelSpec authMethod = LabelSpec.open("auth_method");
    this.sessions = counterFamily(MetricNames.USERS_SESSIONS_TOTAL, HELP_SESSIONS, List.of(authMethod));
    this.authFailures = counterFamily(MetricNames.SECURITY_AUTHENTICATION_FAILURES_TOTAL,
        HELP_AUTH_FAILURES, List.of(authMethod,
            LabelSpec.closed("reason", AuthFailureReason.labelValues(), "other", false)));
    this.accessDenied = counterFamily(MetricNames.SECURITY_ACCESS_DENIED_TOTAL, HELP_ACCESS_DENIED,
        List.of(endpoint));
    this.rateLimited = counterFamily(MetricNames.SECURITY_RATE_LIMITED_TOTAL, HELP_RATE_LIMITED,
        List.of(endpoint));
    this.audit = counterFamily(MetricNames.SECURITY_AUDIT_EVENTS_TOTAL, HELP_AUDIT,
        List.of(LabelSpec.open("action"),
            LabelSpec.closed("outcome", List.of("success", "failure"), null, false)));

    this.jvm = b.jvmMetrics ? JvmMetricsBinder.bind(registry, b.diskSpacePaths) : null;
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registry these metrics record into. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Whether this instance was built with {@link Builder#exemplars}: only then do histogram buckets carry
   * the current span's ids. Composing code (englog-servlet-filters' {@code EnglogServlet.install}) reads
   * it to refuse, at startup, metrics that cannot show exemplars.
   */
  public boolean hasExemplars() {
    return spanContext != null;
  }

  /**
   * A container-agnostic handler that renders this registry for Prometheus.
   *
   * @throws IllegalStateException if the registry is not a {@link PrometheusMeterRegistry}
   */
  public ScrapeHandler scrapeHandler() {
    if (!(registry instanceof PrometheusMeterRegistry)) {
      throw new IllegalStateException("scrapeHandler() needs a PrometheusMeterRegistry; this instance "
          + "records into " + registry.getClass().getName());
    }
    return ScrapeHandler.of((PrometheusMeterRegistry) registry);
  }

  // ---------------------------------------------------------------- recorders

  /**
   * Counts a served HTTP request and records its duration. {@code route} is the route template
   * ({@code /api/v1/journals/{id}}), never the raw path; unmatched requests should use a fixed bucket.
   */
  public void recordHttpRequest(String method, String route, int status, Duration duration) {
    try {
      HttpSeries s = httpDuration.get(method, route);
      if (s == null) {
        return;
      }
      s.duration().record(nanos(duration));
      Counter c = s.requests(status, httpRequests);
      if (c != null) {
        c.increment();
      }
    } catch (RuntimeException e) {
      dropped(MetricNames.HTTP_REQUESTS_TOTAL, e);
    }
  }

  /**
   * Counts a created journal. {@code userId} becomes a label only when the builder opted in with
   * {@link Builder#userIdLabel(boolean)}; by default it is ignored (unbounded cardinality).
   */
  public void recordJournalCreated(String userId, String entryType) {
    if (userIdLabel) {
      increment(journals, userId, entryType);
    } else {
      increment(journals, entryType);
    }
  }

  /**
   * Records an AI task's duration and, when {@code error} is not null, counts the error under its
   * classified {@code error_type} (see {@link AiErrorClassifier}).
   */
  public void recordAiProcessing(String taskType, String provider, Duration duration, @Nullable Throwable error) {
    try {
      HistogramCell h = aiDuration.get(taskType, provider);
      if (h != null) {
        h.record(nanos(duration));
      }
      if (error != null) {
        Counter c = aiErrors.get(taskType, provider, classify(error).labelValue());
        if (c != null) {
          c.increment();
        }
      }
    } catch (RuntimeException e) {
      dropped(MetricNames.AI_PROCESSING_DURATION_SECONDS, e);
    }
  }

  /** Records a database query's duration. */
  public void recordDatabaseQuery(String operation, String table, Duration duration) {
    try {
      HistogramCell h = dbQuery.get(operation, table);
      if (h != null) {
        h.record(nanos(duration));
      }
    } catch (RuntimeException e) {
      dropped(MetricNames.DATABASE_QUERY_DURATION_SECONDS, e);
    }
  }

  /** Counts a cache hit. {@code keyPattern} is the key's pattern ({@code user:*}), never the key. */
  public void recordCacheHit(String cacheType, String keyPattern) {
    increment(cacheHits, cacheType, keyPattern);
  }

  /** Counts a cache miss. {@code keyPattern} is the key's pattern ({@code user:*}), never the key. */
  public void recordCacheMiss(String cacheType, String keyPattern) {
    increment(cacheMisses, cacheType, keyPattern);
  }

  /**
   * Sets the number of active users in {@code timeWindow} ({@code 1h}, {@code 24h} or {@code 7d};
   * other windows are dropped and counted). Negative counts are recorded as 0. A window's series
   * appears with its first update, or at 0 from the start when declared with
   * {@code declareLabelValues("time_window", ...)}.
   */
  public void updateActiveUsers(long count, String timeWindow) {
    try {
      AtomicLong v = usersActive.get(timeWindow);
      if (v != null) {
        v.set(Math.max(0, count));
      }
    } catch (RuntimeException e) {
      dropped(MetricNames.USERS_ACTIVE, e);
    }
  }

  /** Counts a started user session. */
  public void recordUserSession(String authMethod) {
    increment(sessions, authMethod);
  }

  /** Counts a failed authentication attempt; a null reason counts as {@code other}. */
  public void recordAuthenticationFailure(String authMethod, @Nullable AuthFailureReason reason) {
    increment(authFailures, authMethod, (reason == null ? AuthFailureReason.OTHER : reason).labelValue());
  }

  /** Counts an authenticated request that authorization denied, by route template. */
  public void recordAccessDenied(String route) {
    increment(accessDenied, route);
  }

  /** Counts a request rejected by rate limiting, by route template. */
  public void recordRateLimited(String route) {
    increment(rateLimited, route);
  }

  /** Counts an audit event ({@code action} such as {@code journal.delete}) and its outcome. */
  public void recordAuditEvent(String action, boolean success) {
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
      dropped(family.metric(), e);
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
      dropped(family.metric(), e);
    }
  }

  // ---------------------------------------------------------------- hooks

  /**
   * Publishes a redaction count kept elsewhere (the logging module's redactor) as
   * {@code englog_security_redactions_total{kind}}. {@code count} is read on the scrape thread, must be
   * cheap, must not throw (a throwing supplier is skipped) and should only grow. Several suppliers of
   * the same kind are summed.
   *
   * @param kind {@code credential}, {@code pii} or {@code field}
   * @throws IllegalArgumentException if {@code kind} is not one of those
   */
  public void bindRedactionCount(String kind, LongSupplier count) {
    Objects.requireNonNull(count, "count");
    String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
    List<LongSupplier> sources = redactions.get(k);
    if (sources == null) {
      throw new IllegalArgumentException("redaction kind must be one of " + REDACTION_KINDS + ", was "
          + kind);
    }
    sources.add(count);
  }

  /**
   * Binds a connection pool's gauges {@code englog_database_connections_active}, {@code _idle},
   * {@code _max} and {@code _pending} with label {@code database}. The suppliers are read on the scrape
   * thread; one that throws reads as NaN.
   *
   * @throws IllegalArgumentException if a pool with that {@code database} is already bound
   */
  public void bindConnectionPool(String database, IntSupplier active, IntSupplier idle, IntSupplier max,
      IntSupplier pending) {
    Objects.requireNonNull(active, "active");
    Objects.requireNonNull(idle, "idle");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(pending, "pending");
    String db = claimPool(database);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_ACTIVE, HELP_DB_ACTIVE, db, active);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_IDLE, HELP_DB_IDLE, db, idle);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_MAX, HELP_DB_MAX, db, max);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_PENDING, HELP_DB_PENDING, db, pending);
  }

  /**
   * Binds a HikariCP pool (found by reflection: no compile dependency on HikariCP), as
   * {@link #bindConnectionPool(String, IntSupplier, IntSupplier, IntSupplier, IntSupplier)}. Before
   * the pool's first connection every gauge but {@code _max} reads 0; a pool whose statistics cannot
   * be read (a HikariCP version without them, a pool that throws) reads NaN, never 0.
   *
   * @throws IllegalArgumentException if {@code dataSource} is not (and does not wrap) a
   *     {@code HikariDataSource}, or the database is already bound
   */
  public void bindConnectionPool(String database, DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    HikariProbe probe = HikariProbe.detect(dataSource);
    if (probe == null) {
      throw new IllegalArgumentException(dataSource.getClass().getName() + " is not a HikariCP "
          + "DataSource; bind its pool with bindConnectionPool(database, active, idle, max, pending)");
    }
    String db = claimPool(database);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_ACTIVE, HELP_DB_ACTIVE, db, hikari(probe, HikariProbe.Stats::active));
    poolGauge(MetricNames.DATABASE_CONNECTIONS_IDLE, HELP_DB_IDLE, db, hikari(probe, HikariProbe.Stats::idle));
    poolGauge(MetricNames.DATABASE_CONNECTIONS_MAX, HELP_DB_MAX, db, hikari(probe, HikariProbe.Stats::max));
    poolGauge(MetricNames.DATABASE_CONNECTIONS_PENDING, HELP_DB_PENDING, db,
        hikari(probe, HikariProbe.Stats::pending));
  }

  /** One reading of the pool per gauge and scrape; NaN when the probe cannot read it. */
  private static DoubleSupplier hikari(HikariProbe probe, ToIntFunction<HikariProbe.Stats> count) {
    return () -> {
      HikariProbe.Stats stats = probe.read();
      return stats == null ? Double.NaN : count.applyAsInt(stats);
    };
  }

  private String claimPool(String database) {
    String db = LabelSpec.open("database").canonical(database, maxLabelValueLength);
    if (pools.contains(db)) {
      throw new IllegalArgumentException("a connection pool for database " + db + " is already bound");
    }
    // Four gauges, each one exposed series.
    budget.claim("the connection pool gauges of database " + db, 4 * ExposedSeries.GAUGE);
    if (!pools.add(db)) {
      budget.release(4 * ExposedSeries.GAUGE);
      throw new IllegalArgumentException("a connection pool for database " + db + " is already bound");
    }
    return db;
  }

  private void poolGauge(String name, String help, String db, IntSupplier supplier) {
    poolGauge(name, help, db, (DoubleSupplier) supplier::getAsInt);
  }

  private void poolGauge(String name, String help, String db, DoubleSupplier value) {
    Gauge.builder(name, value, CustomSeries::read).description(help).tag("database", db)
        .strongReference(true).register(registry);
  }

  // ---------------------------------------------------------------- custom metrics

  /**
   * Starts a custom counter, exposed as {@code name + "_total"}.
   *
   * @throws IllegalArgumentException if the name breaks the naming rules (see {@link CustomCounter})
   */
  public CustomCounter.Builder counter(String name) {
    return new CustomCounter.Builder(this, Naming.checkMetricName(name, "counter"));
  }

  /**
   * Starts a custom timer (a histogram in seconds), exposed as {@code name}, which must end in
   * {@code _seconds}.
   *
   * @throws IllegalArgumentException if the name breaks the naming rules (see {@link CustomTimer})
   */
  public CustomTimer.Builder timer(String name) {
    String n = Naming.checkMetricName(name, "timer");
    if (!n.endsWith("_seconds")) {
      throw new IllegalArgumentException("timer name must end in _seconds (timers are exposed in "
          + "seconds), was " + n);
    }
    return new CustomTimer.Builder(this, n);
  }

  /**
   * Starts a custom gauge, exposed as {@code name}.
   *
   * @throws IllegalArgumentException if the name breaks the naming rules (see {@link CustomGauge})
   */
  public CustomGauge.Builder gauge(String name) {
    return new CustomGauge.Builder(this, Naming.checkMetricName(name, "gauge"));
  }

  /** Claims {@code exposedName} for a custom metric; fails if any metric already uses it. */
  void claimCustomName(String exposedName, String meterName) {
    Set<String> taken = new HashSet<>();
    for (Field f : MetricNames.class.getFields()) {
      try {
        String n = (String) f.get(null);
        taken.add(n);
        taken.add(stripTotal(n));
        taken.add(n + "_max");
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    NamingConvention convention = registry.config().namingConvention();
    for (Meter meter : registry.getMeters()) {
      String n = meter.getId().getConventionName(convention);
      taken.add(n);
      taken.add(n + "_total");
      taken.add(n + "_max");
    }
    boolean histogram = histograms != null && (histograms.has(exposedName) || histograms.has(meterName));
    if (exposedName.startsWith("englog_metrics_") || histogram || taken.contains(exposedName)
        || taken.contains(meterName) || !customNames.add(exposedName)) {
      throw new IllegalArgumentException("a metric named " + exposedName + " is already registered");
    }
  }

  /**
   * The cardinality limit of a metric in exposed series: the metric's own builder, then
   * {@code cardinalityLimit(metric, n)}, then the default (a built-in metric's, or
   * {@link #DEFAULT_CARDINALITY_LIMIT} for a custom one with labels, or what its smallest fold needs
   * if more) capped by {@code cardinalityLimit(n)} down to that smallest limit; a custom metric
   * without labels takes what its one series costs.
   */
  int limitFor(String exposedName, int builderLimit, List<LabelSpec> labels, int seriesPerCombination) {
    if (builderLimit > 0) {
      return builderLimit;
    }
    Integer explicit = limits.get(exposedName);
    if (explicit != null) {
      return explicit;
    }
    int minimum = SeriesFamily.minimumLimit(labels, seriesPerCombination);
    if (labels.isEmpty()) {
      return minimum;
    }
    return capped(Math.max(DEFAULT_CARDINALITY_LIMIT, minimum), minimum);
  }

  private int builtInLimit(String exposedName, int minimum) {
    Integer explicit = limits.get(exposedName);
    if (explicit != null) {
      return explicit;
    }
    return capped(DEFAULT_CARDINALITY_LIMITS.get(exposedName), minimum);
  }

  /** A default limit lowered to {@code cardinalityLimit(n)}, but never below what the metric needs. */
  private int capped(int defaultLimit, int minimum) {
    return Math.min(defaultLimit, Math.max(limitCap, minimum));
  }

  <M> SeriesFamily<M> customFamily(String exposedName, List<LabelSpec> labels, int limit,
      int seriesPerCombination, SeriesFamily.Factory<M> factory) {
    SeriesFamily<M> family;
    try {
      family = guarded(exposedName, labels, limit, seriesPerCombination, factory);
    } catch (RuntimeException e) {
      // Refused (a limit too small, or beyond what is left of the budget): the name stays free, so
      // the metric can be registered again with a smaller limit.
      customNames.remove(exposedName);
      throw e;
    }
    // Kept here because callers may drop the CustomCounter/CustomGauge (registerFunction(...) is
    // usually a statement), and the family holds the sources function-backed series read.
    customFamilies.put(exposedName, family);
    return family;
  }

  /**
   * The tags the registry's filters added to {@code meter} beyond its own ({@code registry.config()
   * .commonTags(...)}, or a filter adding tags to every meter), as Prometheus labels. A tag a filter
   * adds to some meter names only is seen as it applies to {@code meter}'s name.
   */
  static Labels commonLabels(Meter meter, Set<String> ownTagKeys, NamingConvention convention) {
    Labels labels = Labels.EMPTY;
    for (Tag t : meter.getId().getTagsAsIterable()) {
      if (ownTagKeys.contains(t.getKey())) {
        continue;
      }
      try {
        labels = labels.add(convention.tagKey(t.getKey()), convention.tagValue(t.getValue()));
      } catch (RuntimeException e) {
        // A name the Prometheus model refuses (a duplicate after sanitising, a reserved one) cannot be
        // a label of the histograms; Micrometer's own exposition of that tag decides how it shows.
        LOG.log(System.Logger.Level.WARNING, () -> "common tag " + t.getKey()
            + " is not added to EngLog's histograms: " + e.getMessage());
      }
    }
    return labels;
  }

  static Tags tags(List<LabelSpec> labels, List<String> values) {
    String[] kv = new String[labels.size() * 2];
    for (int i = 0; i < labels.size(); i++) {
      kv[2 * i] = labels.get(i).name();
      kv[2 * i + 1] = values.get(i);
    }
    return Tags.of(kv);
  }

  // ---------------------------------------------------------------- internals

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

  private SeriesFamily<Counter> counterFamily(String exposedName, String help, List<LabelSpec> labels) {
    String meterName = stripTotal(exposedName);
    return family(exposedName, labels, ExposedSeries.COUNTER,
        values -> Counter.builder(meterName).description(help).tags(tags(labels, values))
            .register(registry), false);
  }

  private SeriesFamily<HistogramCell> timerFamily(String exposedName, String help,
      List<LabelSpec> labels, List<Double> buckets) {
    return family(exposedName, labels, ExposedSeries.histogram(buckets.size()),
        histogramCells(exposedName, help, labels, buckets), false);
  }

  /**
   * How a histogram's series are made: {@link FastHistogram}s exposed through the Prometheus registry
   * when there is one (a fraction of a Micrometer {@code Timer}'s recording cost), Micrometer
   * {@code Timer}s otherwise.
   */
  SeriesFamily.Factory<HistogramCell> histogramCells(String name, String help, List<LabelSpec> labels,
      List<Double> buckets) {
    if (histograms != null) {
      List<String> names = new ArrayList<>();
      labels.forEach(l -> names.add(l.name()));
      FastHistogramFamily family = histograms.family(name, help, names, histogramCommonLabels, buckets,
          spanContext);
      return values -> family.series(values, histograms.now());
    }
    return values -> new TimerCell(Timer.builder(name).description(help).tags(tags(labels, values))
        .serviceLevelObjectives(durations(buckets)).publishPercentileHistogram(false)
        .register(registry));
  }

  static Duration[] durations(List<Double> seconds) {
    Duration[] d = new Duration[seconds.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Duration.ofNanos(Math.round(seconds.get(i) * 1e9));
    }
    return d;
  }

  private <M> SeriesFamily<M> family(String exposedName, List<LabelSpec> labels,
      int seriesPerCombination, SeriesFamily.Factory<M> factory, boolean gauge) {
    SeriesFamily<M> f = guarded(exposedName, labels,
        builtInLimit(exposedName, SeriesFamily.minimumLimit(labels, seriesPerCombination)),
        seriesPerCombination, factory);
    // A gauge's 0 is a claim about the world ("no active users"), a counter's only "nothing counted
    // yet": gauges start at 0 only for values the service declared, never for a whole closed set.
    List<List<String>> values = new ArrayList<>();
    for (LabelSpec l : labels) {
      List<String> v = declared.get(l.name());
      if (v == null && l.isEnumerable() && !gauge) {
        v = l.closedValues();
      }
      if (v == null) {
        return f;
      }
      values.add(v);
    }
    if (labels.isEmpty() || SHARED_ENDPOINT.contains(exposedName) && !f.fits(values)) {
      return f;
    }
    f.preRegister(values);
    return f;
  }

  /**
   * A guarded family whose limit (and the guard's own two counters) is claimed from the series budget
   * first, so the limits of an instance never add up to more than its budget.
   */
  private <M> SeriesFamily<M> guarded(String exposedName, List<LabelSpec> labels, int limit,
      int seriesPerCombination, SeriesFamily.Factory<M> factory) {
    int claim = limit + ExposedSeries.SELF_MONITORING;
    budget.claim(exposedName, claim);
    try {
      return new SeriesFamily<>(exposedName, labels, limit, seriesPerCombination, maxLabelValueLength,
          factory, listener(exposedName));
    } catch (RuntimeException e) {
      budget.release(claim);
      throw e;
    }
  }

  private SeriesFamily.Listener listener(String metric) {
    Counter overflow = Counter.builder(stripTotal(MetricNames.METRICS_CARDINALITY_OVERFLOW_TOTAL))
        .description(HELP_OVERFLOW).tag("metric", metric).register(registry);
    Counter dropped = droppedCounter(metric);
    return new SeriesFamily.Listener() {
      @Override
      public void overflowed() {
        overflow.increment();
      }

      @Override
      public void dropped() {
        dropped.increment();
      }
    };
  }

  private Counter droppedCounter(String metric) {
    return droppedCounters.computeIfAbsent(metric,
        m -> Counter.builder(stripTotal(MetricNames.METRICS_RECORDINGS_DROPPED_TOTAL))
            .description(HELP_DROPPED).tag("metric", m).register(registry));
  }

  void dropped(String metric, RuntimeException e) {
    try {
      droppedCounter(metric).increment();
      LOG.log(System.Logger.Level.DEBUG, () -> "recording into " + metric + " failed", e);
    } catch (RuntimeException ignored) {
      // Counting the drop failed too; the host service must still not see an exception.
    }
  }

  /**
   * The duration in nanoseconds as every histogram records it: null and negative are 0, anything longer
   * than {@link #MAX_RECORDED_DURATION} is that maximum. One clamp for all paths (bucket, sum, max,
   * exemplar, Micrometer timer), so an absurd value from a clock jump lands in {@code +Inf} with a finite,
   * documented size instead of the end of the {@code long} range.
   */
  static long nanos(Duration d) {
    if (d == null || d.isNegative()) {
      return 0;
    }
    if (d.compareTo(MAX_RECORDED_DURATION) >= 0) {
      return MAX_RECORDED_NANOS;
    }
    return d.getSeconds() * 1_000_000_000L + d.getNano();
  }

  static String stripTotal(String name) {
    return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
  }

  private static double sum(List<LongSupplier> sources) {
    long total = 0;
    for (LongSupplier s : sources) {
      try {
        total += s.getAsLong();
      } catch (RuntimeException e) {
        // A failing source is skipped; the others still count.
      }
    }
    return total;
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> m) {
    Map<String, List<String>> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(c);
  }

  /**
   * Stops the JVM binders' GC listeners and, when this instance created the registry, closes it.
   * Recording after close still never throws.
   */
  @Override
  public void close() {
    if (jvm != null) {
      jvm.close();
    }
    if (ownsRegistry) {
      registry.close();
    }
  }

  /**
   * Configuration of an {@link EnglogMetrics}; every setting has a default. A few settings can also be
   * given by system property or environment variable, which win over the builder (system property
   * first, a blank value counts as unset): {@value #BUDGET_PROPERTY} / {@value #BUDGET_ENV},
   * {@value #LIMIT_PROPERTY} / {@value #LIMIT_ENV},
   * {@value #USER_ID_PROPERTY} / {@value #USER_ID_ENV} and {@value #JVM_PROPERTY} / {@value #JVM_ENV}.
   */
  public static final class Builder {
    /** System property overriding {@link #seriesBudget(int)}. */
    public static final String BUDGET_PROPERTY = "englog.metrics.series-budget";
    /** Environment variable overriding {@link #seriesBudget(int)}. */
    public static final String BUDGET_ENV = "ENGLOG_METRICS_SERIES_BUDGET";
    /** System property overriding {@link #cardinalityLimit(int)}. */
    public static final String LIMIT_PROPERTY = "englog.metrics.cardinality-limit";
    /** Environment variable overriding {@link #cardinalityLimit(int)}. */
    public static final String LIMIT_ENV = "ENGLOG_METRICS_CARDINALITY_LIMIT";
    /** System property overriding {@link #userIdLabel(boolean)} ({@code true}/{@code false}). */
    public static final String USER_ID_PROPERTY = "englog.metrics.user-id-label";
    /** Environment variable overriding {@link #userIdLabel(boolean)}. */
    public static final String USER_ID_ENV = "ENGLOG_METRICS_USER_ID_LABEL";
    /** System property overriding {@link #jvmMetrics(boolean)}. */
    public static final String JVM_PROPERTY = "englog.metrics.jvm";
    /** Environment variable overriding {@link #jvmMetrics(boolean)}. */
    public static final String JVM_ENV = "ENGLOG_METRICS_JVM";

    private Function<String, String> systemProperties = System::getProperty;
    private Function<String, String> environment = System::getenv;
    private MeterRegistry registry;
    private Clock clock;
    private SpanContext spanContext;
    private int seriesBudget = DEFAULT_SERIES_BUDGET;
    private int cardinalityLimit = Integer.MAX_VALUE;
    private final Map<String, Integer> limits = new LinkedHashMap<>();
    private int maxLabelValueLength = DEFAULT_MAX_LABEL_VALUE_LENGTH;
    private boolean userIdLabel;
    private final Map<String, List<String>> declared = new LinkedHashMap<>();
    private AiErrorClassifier classifier;
    private boolean jvmMetrics = true;
    private List<Path> diskSpacePaths = List.of(Path.of(""));
    private Tags commonTags = Tags.empty();

    private Builder() {}

    /**
     * Records into this registry instead of a new {@link PrometheusMeterRegistry}. Exposition names are
     * guaranteed for a {@code PrometheusMeterRegistry}; on other registries histograms are Micrometer
     * {@code Timer}s. Counter exemplars then come from the {@code SpanContext} you gave that registry;
     * histogram exemplars from {@link #exemplars}.
     */
    public Builder registry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The clock of the registry this builder creates (default: the system clock; not used with {@link
     * #registry}). A clock other than the system's moves wall and monotonic time together, which is
     * what a test wants.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds exemplars ({@code trace_id}, {@code span_id}) to histogram buckets (and, for the registry
     * this builder creates, to counters) in the OpenMetrics exposition, taken from {@code spanContext}
     * when its current span is sampled. The tracing module (or any tracer) supplies the
     * {@code SpanContext}; metrics does not depend on it.
     */
    public Builder exemplars(SpanContext spanContext) {
      this.spanContext = Objects.requireNonNull(spanContext, "spanContext");
      return this;
    }

    /**
     * Exposed series this instance may have in all (default {@value #DEFAULT_SERIES_BUDGET}): every
     * sample line of a scrape counts, each bucket, {@code _max} and {@code _created} included. The
     * cardinality limits of the built-in and custom metrics, {@link #JVM_SERIES_ALLOWANCE} when JVM
     * metrics are bound, the guard's own counters (4 per metric) and 4 per connection pool are claimed
     * from it; what does not fit is refused when it is built or registered, never while recording.
     *
     * @throws IllegalArgumentException if {@code budget} is not between 100 and 10,000,000
     */
    public Builder seriesBudget(int budget) {
      this.seriesBudget = checkBudget("seriesBudget", budget);
      return this;
    }

    private static int checkBudget(String field, int budget) {
      if (budget < 100 || budget > 10_000_000) {
        throw new IllegalArgumentException(field + " must be between 100 and 10000000, was " + budget);
      }
      return budget;
    }

    /**
     * Caps the cardinality limit of every metric at {@code limit} exposed series (a metric whose
     * default is lower keeps it; {@link #cardinalityLimit(String, int)} is not capped). To let metrics
     * grow, raise {@link #seriesBudget(int)} and their own limits.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 2 and 1,000,000
     */
    public Builder cardinalityLimit(int limit) {
      this.cardinalityLimit = checkLimit("cardinalityLimit", limit);
      return this;
    }

    /**
     * The cardinality limit of one metric, by its exposed name, in exposed series (see
     * {@link EnglogMetrics#DEFAULT_CARDINALITY_LIMITS} for the built-in ones); it is claimed from
     * {@link #seriesBudget(int)}.
     */
    public Builder cardinalityLimit(String metric, int limit) {
      limits.put(Objects.requireNonNull(metric, "metric"), checkLimit("cardinalityLimit(" + metric + ")",
          limit));
      return this;
    }

    private static int checkLimit(String field, int limit) {
      if (limit < 2 || limit > 1_000_000) {
        throw new IllegalArgumentException(field + " must be between 2 and 1000000, was " + limit);
      }
      return limit;
    }

    /**
     * Longest label value kept (default {@value #DEFAULT_MAX_LABEL_VALUE_LENGTH}); longer values are cut.
     *
     * @throws IllegalArgumentException if not between 8 and 4096
     */
    public Builder maxLabelValueLength(int length) {
      if (length < 8 || length > 4096) {
        throw new IllegalArgumentException("maxLabelValueLength must be between 8 and 4096, was "
            + length);
      }
      this.maxLabelValueLength = length;
      return this;
    }

    /**
     * Adds {@code user_id} as a label of {@code englog_business_journals_created_total} (default off:
     * user ids are unbounded). The cardinality guard still applies: past the limit, ids fold into
     * {@code other}.
     */
    public Builder userIdLabel(boolean enabled) {
      this.userIdLabel = enabled;
      return this;
    }

    /**
     * Declares the values a label is known to take (e.g. {@code "endpoint"} → your route templates).
     * Every metric with that label whose other labels are declared or closed starts with those series
     * at 0, so {@code rate()} and "nothing happened" alerts work from the first scrape. For a closed
     * label ({@code method}, {@code reason}, {@code error_type}) it narrows which values start at 0;
     * {@code status_code} values start at 0 only when declared. Declared {@code endpoint} values start
     * {@code englog_security_access_denied_total} and {@code _rate_limited_total} at 0 only when they
     * fit those counters' limits.
     * {@code englog_users_active} starts at 0 only for the {@code time_window} values declared here
     * (a gauge at 0 would say "no active users"). Calling it again for the same label adds values.
     */
    public Builder declareLabelValues(String label, String... values) {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(values, "values");
      List<String> list = new ArrayList<>(declared.getOrDefault(label, List.of()));
      for (String v : values) {
        list.add(Objects.requireNonNull(v, "values[]"));
      }
      declared.put(label, list);
      return this;
    }

    /** Classifies AI errors before the standard classification (see {@link AiErrorClassifier}). */
    public Builder aiErrorClassifier(AiErrorClassifier classifier) {
      this.classifier = Objects.requireNonNull(classifier, "classifier");
      return this;
    }

    /** Whether to bind the JVM, process and system metrics (default true). */
    public Builder jvmMetrics(boolean enabled) {
      this.jvmMetrics = enabled;
      return this;
    }

    /**
     * Labels every series of the registry this builder creates carries ({@code "application",
     * "journal-api", "region", "eu-1"}): EngLog's counters, gauges and histograms, the JVM metrics and
     * custom metrics. A metric's own label of the same name wins. With {@link #registry}, configure
     * them on that registry instead ({@code registry.config().commonTags(...)}, before
     * {@link #build()}): EngLog's histograms pick them up from it.
     *
     * @throws IllegalArgumentException unless non-empty key/value pairs with non-blank keys
     */
    public Builder commonTags(String... keyValues) {
      Objects.requireNonNull(keyValues, "commonTags");
      if (keyValues.length == 0 || keyValues.length % 2 != 0) {
        throw new IllegalArgumentException("commonTags must be key/value pairs, had " + keyValues.length
            + " strings");
      }
      for (int i = 0; i < keyValues.length; i++) {
        Objects.requireNonNull(keyValues[i], "commonTags[" + i + "]");
        if (i % 2 == 0 && keyValues[i].isBlank()) {
          throw new IllegalArgumentException("commonTags keys must not be blank, commonTags[" + i
              + "] was \"" + keyValues[i] + "\"");
        }
      }
      this.commonTags = commonTags.and(keyValues);
      return this;
    }

    /** Paths whose file system's free and total space are exposed (default: the working directory). */
    public Builder diskSpacePaths(Path... paths) {
      List<Path> list = new ArrayList<>();
      for (Path p : Objects.requireNonNull(paths, "paths")) {
        list.add(Objects.requireNonNull(p, "paths[]"));
      }
      this.diskSpacePaths = List.copyOf(list);
      return this;
    }

    /**
     * Builds the metrics and registers every meter whose label values are known.
     *
     * @throws IllegalArgumentException if declared values exceed a metric's limit or a closed set, a
     *     limit is below what its metric needs, or the limits add up to more than the series budget
     * @throws IllegalStateException if {@link #clock} or {@link #commonTags} is combined with
     *     {@link #registry}
     */
    public EnglogMetrics build() {
      if (registry != null && clock != null) {
        throw new IllegalStateException("clock(...) configures the registry EnglogMetrics creates; "
            + "with registry(...) EnglogMetrics uses that registry's clock");
      }
      if (registry != null && commonTags.iterator().hasNext()) {
        throw new IllegalStateException("commonTags(...) configures the registry EnglogMetrics creates; "
            + "with registry(...) call registry.config().commonTags(...) before build(), and EngLog's "
            + "histograms carry them too");
      }
      Settings settings = Settings.of("metrics", systemProperties, environment);
      String seriesBudgetSetting = settings.get("series-budget");
      if (seriesBudgetSetting != null) {
        String origin = settings.origin("series-budget");
        try {
          seriesBudget = checkBudget(origin, Integer.parseInt(seriesBudgetSetting));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(origin + " must be an integer between 100 and "
              + "10000000, was " + seriesBudgetSetting, e);
        }
      }
      String limit = settings.get("cardinality-limit");
      if (limit != null) {
        String origin = settings.origin("cardinality-limit");
        try {
          cardinalityLimit = checkLimit(origin, Integer.parseInt(limit));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(origin + " must be an integer between 2 and "
              + "1000000, was " + limit, e);
        }
      }
      String userId = settings.get("user-id-label");
      if (userId != null) {
        userIdLabel = parseBoolean(settings.origin("user-id-label"), userId);
      }
      String jvm = settings.get("jvm");
      if (jvm != null) {
        jvmMetrics = parseBoolean(settings.origin("jvm"), jvm);
      }
      return new EnglogMetrics(this);
    }

    /** Where system properties and environment variables are read; for tests. */
    Builder lookups(Function<String, String> systemProperties, Function<String, String> environment) {
      this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    private static boolean parseBoolean(String name, String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("false")) {
        return v.equals("true");
      }
      throw new IllegalArgumentException(name + " must be true or false, was " + value);
    }
  }
}
