package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.BuiltInMetrics;
import com.englog.observability.metrics.internal.ExactNamingConvention;
import com.englog.observability.metrics.internal.ExposedSeries;
import com.englog.observability.metrics.internal.FastHistogramCollector;
import com.englog.observability.metrics.internal.GuardedMeters;
import com.englog.observability.metrics.internal.HookGauges;
import com.englog.observability.metrics.internal.JavaTimeClock;
import com.englog.observability.metrics.internal.JvmMetricsBinder;
import com.englog.observability.metrics.internal.MetricsSettings;
import com.englog.observability.metrics.internal.Naming;
import com.englog.observability.metrics.internal.SeriesBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
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
   * The cardinality limit of each built-in metric, in exposed series, for the default series budget:
   * 300 route templates x 2 methods x 6 status codes never fold on the HTTP metrics
   * (docs/metrics.md shows the arithmetic).
   */
  public static final Map<String, Integer> DEFAULT_CARDINALITY_LIMITS = BuiltInMetrics.DEFAULT_LIMITS;

  /**
   * Micrometer's default configuration with exemplars only where OpenMetrics 1.0 allows them (histogram
   * buckets, counters): its default also puts one on each histogram's {@code _count}, which Prometheus
   * 2.42's OpenMetrics parser rejects, failing the whole scrape as soon as exemplar storage is on.
   */
  private static final PrometheusConfig OPENMETRICS_EXEMPLARS_ONLY = new PrometheusConfig() {
    @Override
    public String get(String key) {
      return null;
    }

    @Override
    public Properties prometheusProperties() {
      Properties properties = PrometheusConfig.super.prometheusProperties();
      properties.setProperty("io.prometheus.exporter.exemplarsOnAllMetricTypes", "false");
      return properties;
    }
  };

  private final MeterRegistry registry;
  private final boolean ownsRegistry;
  private final JvmMetricsBinder jvm;
  private final GuardedMeters meters;
  private final HookGauges hooks;
  private final BuiltInMetrics recorders;
  private final boolean exemplars;

  private EnglogMetrics(MetricsSettings s) {
    this.ownsRegistry = s.registry() == null;
    this.exemplars = s.spanContext() != null;
    this.registry = s.registry() != null ? s.registry()
        : new PrometheusMeterRegistry(OPENMETRICS_EXEMPLARS_ONLY, new PrometheusRegistry(),
            s.clock() != null ? JavaTimeClock.of(s.clock()) : io.micrometer.core.instrument.Clock.SYSTEM,
            s.spanContext());
    FastHistogramCollector histograms = registry instanceof PrometheusMeterRegistry
        ? FastHistogramCollector.of(((PrometheusMeterRegistry) registry).getPrometheusRegistry(),
            registry.config().clock())
        : null;
    registry.config().namingConvention(new ExactNamingConvention(registry.config().namingConvention(),
        Set.of(GuardedMeters.stripTotal(MetricNames.BUSINESS_JOURNALS_CREATED_TOTAL))));
    if (s.commonTags().iterator().hasNext()) {
      registry.config().commonTags(s.commonTags());
    }

    SeriesBudget budget = new SeriesBudget(s.seriesBudget());
    budget.claim(MetricNames.SECURITY_REDACTIONS_TOTAL, REDACTION_KINDS.size() * ExposedSeries.COUNTER);
    if (s.jvmMetrics()) {
      budget.claim("the JVM, process and system metrics", JVM_SERIES_ALLOWANCE);
    }
    // The redaction counters are registered first: their ids, as the registry's filters mapped them,
    // tell which common tags the histogram series (not Micrometer meters, so no filter sees them)
    // must carry too.
    this.hooks = new HookGauges(registry, budget, s.maxLabelValueLength());
    Labels histogramCommonLabels = histograms == null ? Labels.EMPTY
        : GuardedMeters.commonLabels(hooks.representative(), Set.of("kind"),
            registry.config().namingConvention());
    this.meters = new GuardedMeters(registry, budget, s.cardinalityLimit(), s.limits(),
        DEFAULT_CARDINALITY_LIMITS, s.maxLabelValueLength(), s.declared(), histograms,
        histogramCommonLabels, s.spanContext());
    this.recorders = new BuiltInMetrics(meters, s.userIdLabel(), s.classifier());
    this.jvm = s.jvmMetrics() ? JvmMetricsBinder.bind(registry, s.diskSpacePaths()) : null;
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
    return exemplars;
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
    recorders.httpRequest(method, route, status, nanos(duration));
  }

  /**
   * Counts a served HTTP request in {@code englog_http_requests_total} without observing its duration:
   * for routes whose duration says nothing about the service (server-sent events, long polling), which
   * must still count towards the request and error rates but stay out of the latency histogram. Labels
   * are guarded and bucketed exactly as by {@link #recordHttpRequest}.
   */
  public void recordHttpRequestCount(String method, String route, int status) {
    recorders.httpRequestCount(method, route, status);
  }

  /**
   * Counts a created journal. {@code userId} becomes a label only when the builder opted in with
   * {@link Builder#userIdLabel(boolean)}; by default it is ignored (unbounded cardinality).
   */
  public void recordJournalCreated(String userId, String entryType) {
    recorders.journalCreated(userId, entryType);
  }

  /**
   * Records an AI task's duration and, when {@code error} is not null, counts the error under its
   * classified {@code error_type} (see {@link AiErrorClassifier}).
   */
  public void recordAiProcessing(String taskType, String provider, Duration duration, @Nullable Throwable error) {
    recorders.aiProcessing(taskType, provider, nanos(duration), error);
  }

  /** Records a database query's duration. */
  public void recordDatabaseQuery(String operation, String table, Duration duration) {
    recorders.databaseQuery(operation, table, nanos(duration));
  }

  /** Counts a cache hit. {@code keyPattern} is the key's pattern ({@code user:*}), never the key. */
  public void recordCacheHit(String cacheType, String keyPattern) {
    recorders.cacheHit(cacheType, keyPattern);
  }

  /** Counts a cache miss. {@code keyPattern} is the key's pattern ({@code user:*}), never the key. */
  public void recordCacheMiss(String cacheType, String keyPattern) {
    recorders.cacheMiss(cacheType, keyPattern);
  }

  /**
   * Sets the number of active users in {@code timeWindow} ({@code 1h}, {@code 24h} or {@code 7d};
   * other windows are dropped and counted). Negative counts are recorded as 0. A window's series
   * appears with its first update, or at 0 from the start when declared with
   * {@code declareLabelValues("time_window", ...)}.
   */
  public void updateActiveUsers(long count, String timeWindow) {
    recorders.activeUsers(count, timeWindow);
  }

  /** Counts a started user session. */
  public void recordUserSession(String authMethod) {
    recorders.userSession(authMethod);
  }

  /**
   * Counts a failed authentication attempt outside any HTTP route (a message consumer, a CLI): its
   * {@code endpoint} is {@value LabelValues#UNKNOWN}. A null reason counts as {@code other}.
   */
  public void recordAuthenticationFailure(String authMethod, @Nullable AuthFailureReason reason) {
    recorders.authenticationFailure(authMethod, reason, null);
  }

  /**
   * Counts a failed authentication attempt (a 401) on {@code route}, the route template as for
   * {@link #recordHttpRequest} (never the raw path). A null reason counts as {@code other}; a null
   * route as {@value LabelValues#UNKNOWN}.
   */
  public void recordAuthenticationFailure(String authMethod, @Nullable AuthFailureReason reason,
      @Nullable String route) {
    recorders.authenticationFailure(authMethod, reason, route);
  }

  /** Counts an authenticated request that authorization denied, by route template. */
  public void recordAccessDenied(String route) {
    recorders.accessDenied(route);
  }

  /** Counts a request rejected by rate limiting, by route template. */
  public void recordRateLimited(String route) {
    recorders.rateLimited(route);
  }

  /** Counts an audit event ({@code action} such as {@code journal.delete}) and its outcome. */
  public void recordAuditEvent(String action, boolean success) {
    recorders.auditEvent(action, success);
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
    hooks.bindRedactionCount(kind, count);
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
    hooks.bindConnectionPool(database, active, idle, max, pending);
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
    hooks.bindConnectionPool(database, dataSource);
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

  /** The guarded-meter core the custom metrics register through. */
  GuardedMeters meters() {
    return meters;
  }

  // ---------------------------------------------------------------- internals

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

    private final MetricsSettings settings =
        new MetricsSettings(DEFAULT_SERIES_BUDGET, DEFAULT_MAX_LABEL_VALUE_LENGTH);

    private Builder() {}

    /**
     * Records into this registry instead of a new {@link PrometheusMeterRegistry}. Exposition names are
     * guaranteed for a {@code PrometheusMeterRegistry}; on other registries histograms are Micrometer
     * {@code Timer}s. Counter exemplars then come from the {@code SpanContext} you gave that registry;
     * histogram exemplars from {@link #exemplars}.
     */
    public Builder registry(MeterRegistry registry) {
      settings.registry(registry);
      return this;
    }

    /**
     * The clock of the registry this builder creates (default: the system clock; not used with {@link
     * #registry}). A clock other than the system's moves wall and monotonic time together, which is
     * what a test wants.
     */
    public Builder clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    /**
     * Adds exemplars ({@code trace_id}, {@code span_id}) to histogram buckets (and, for the registry
     * this builder creates, to counters) in the OpenMetrics exposition, taken from {@code spanContext}
     * when its current span is sampled. The tracing module (or any tracer) supplies the
     * {@code SpanContext}; metrics does not depend on it.
     */
    public Builder exemplars(SpanContext spanContext) {
      settings.exemplars(spanContext);
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
      settings.seriesBudget(budget);
      return this;
    }

    /**
     * Caps the cardinality limit of every metric at {@code limit} exposed series (a metric whose
     * default is lower keeps it; {@link #cardinalityLimit(String, int)} is not capped). To let metrics
     * grow, raise {@link #seriesBudget(int)} and their own limits.
     *
     * @throws IllegalArgumentException if {@code limit} is not between 2 and 1,000,000
     */
    public Builder cardinalityLimit(int limit) {
      settings.cardinalityLimit(limit);
      return this;
    }

    /**
     * The cardinality limit of one metric, by its exposed name, in exposed series (see
     * {@link EnglogMetrics#DEFAULT_CARDINALITY_LIMITS} for the built-in ones); it is claimed from
     * {@link #seriesBudget(int)}.
     */
    public Builder cardinalityLimit(String metric, int limit) {
      settings.cardinalityLimit(metric, limit);
      return this;
    }

    /**
     * Longest label value kept (default {@value #DEFAULT_MAX_LABEL_VALUE_LENGTH}); longer values are cut.
     *
     * @throws IllegalArgumentException if not between 8 and 4096
     */
    public Builder maxLabelValueLength(int length) {
      settings.maxLabelValueLength(length);
      return this;
    }

    /**
     * Adds {@code user_id} as a label of {@code englog_business_journals_created_total} (default off:
     * user ids are unbounded). The cardinality guard still applies: past the limit, ids fold into
     * {@code other}.
     */
    public Builder userIdLabel(boolean enabled) {
      settings.userIdLabel(enabled);
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
      settings.declareLabelValues(label, values);
      return this;
    }

    /** Classifies AI errors before the standard classification (see {@link AiErrorClassifier}). */
    public Builder aiErrorClassifier(AiErrorClassifier classifier) {
      settings.classifier(classifier);
      return this;
    }

    /** Whether to bind the JVM, process and system metrics (default true). */
    public Builder jvmMetrics(boolean enabled) {
      settings.jvmMetrics(enabled);
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
      settings.commonTags(keyValues);
      return this;
    }

    /** Paths whose file system's free and total space are exposed (default: the working directory). */
    public Builder diskSpacePaths(Path... paths) {
      settings.diskSpacePaths(paths);
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
      settings.resolve();
      return new EnglogMetrics(settings);
    }

    /** Where system properties and environment variables are read; for tests. */
    Builder lookups(Function<String, String> systemProperties, Function<String, String> environment) {
      settings.lookups(systemProperties, environment);
      return this;
    }
  }
}
