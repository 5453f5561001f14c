package com.englog.observability.metrics.internal;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Not public API.
 *
 * <p>The one place where a metric family of an {@code EnglogMetrics} is made: its label specs, its
 * cardinality limit (claimed from the series budget with the guard's own counters), the guard, the
 * meters its series are made of, and the counting of recordings that fold or drop. The built-in
 * recorders and the custom metrics ({@code CustomCounter}, {@code CustomTimer}, {@code CustomGauge})
 * both register through it.
 */
public final class GuardedMeters {

  /**
   * Names a custom metric may not take: every built-in name as exposed, as Micrometer names it
   * ({@code _total} stripped) and with the {@code _max} of a histogram. A constant, so registering a
   * custom metric does not look the built-in names up again.
   */
  public static final Set<String> RESERVED_NAMES = reserved(MetricNames.HTTP_REQUESTS_TOTAL,
      MetricNames.HTTP_REQUEST_DURATION_SECONDS, MetricNames.BUSINESS_JOURNALS_CREATED_TOTAL,
      MetricNames.AI_PROCESSING_DURATION_SECONDS, MetricNames.AI_PROCESSING_ERRORS_TOTAL,
      MetricNames.DATABASE_CONNECTIONS_ACTIVE, MetricNames.DATABASE_CONNECTIONS_IDLE,
      MetricNames.DATABASE_CONNECTIONS_MAX, MetricNames.DATABASE_CONNECTIONS_PENDING,
      MetricNames.DATABASE_QUERY_DURATION_SECONDS, MetricNames.CACHE_HITS_TOTAL,
      MetricNames.CACHE_MISSES_TOTAL, MetricNames.USERS_ACTIVE, MetricNames.USERS_SESSIONS_TOTAL,
      MetricNames.SECURITY_AUTHENTICATION_FAILURES_TOTAL, MetricNames.SECURITY_ACCESS_DENIED_TOTAL,
      MetricNames.SECURITY_RATE_LIMITED_TOTAL, MetricNames.SECURITY_REDACTIONS_TOTAL,
      MetricNames.SECURITY_AUDIT_EVENTS_TOTAL, MetricNames.METRICS_CARDINALITY_OVERFLOW_TOTAL,
      MetricNames.METRICS_RECORDINGS_DROPPED_TOTAL);

  /**
   * Counters of rare events by {@code endpoint}: the route templates a service declares for its HTTP
   * metrics start them at 0 only when they fit their (small) limits; otherwise a route's series appears
   * with its first recording, and declaring hundreds of routes still builds.
   */
  private static final Set<String> SHARED_ENDPOINT =
      Set.of(MetricNames.SECURITY_AUTHENTICATION_FAILURES_TOTAL, MetricNames.SECURITY_ACCESS_DENIED_TOTAL,
          MetricNames.SECURITY_RATE_LIMITED_TOTAL);


  static final String HELP_OVERFLOW =
      "Label values folded into \"other\" because a metric reached its series cap, by metric.";
  static final String HELP_DROPPED =
      "Recordings dropped because a label value was rejected or the meter could not be registered, by metric.";

  private static final System.Logger LOG = System.getLogger("com.englog.observability.metrics.EnglogMetrics");

  private final MeterRegistry registry;
  private final SeriesBudget budget;
  private final int limitCap;
  private final Map<String, Integer> limits;
  private final Map<String, Integer> builtInLimits;
  private final int maxLabelValueLength;
  private final Map<String, List<String>> declared;
  private final FastHistogramCollector histograms;
  private final Labels histogramCommonLabels;
  private final SpanContext spanContext;

  private final Map<String, Counter> droppedCounters = new ConcurrentHashMap<>();
  private final Set<String> customNames = ConcurrentHashMap.newKeySet();
  private final Map<String, SeriesFamily<?>> customFamilies = new ConcurrentHashMap<>();

  /**
   * @param histograms the collector EngLog's histograms are exposed through, or null to record them
   *     into Micrometer {@code Timer}s (a registry other than Prometheus)
   * @param histogramCommonLabels the registry's common tags, which the histograms must carry too
   */
  public GuardedMeters(MeterRegistry registry, SeriesBudget budget, int limitCap,
      Map<String, Integer> limits, Map<String, Integer> builtInLimits, int maxLabelValueLength,
      Map<String, List<String>> declared, FastHistogramCollector histograms, Labels histogramCommonLabels,
      SpanContext spanContext) {
    this.registry = registry;
    this.budget = budget;
    this.limitCap = limitCap;
    this.limits = Map.copyOf(limits);
    this.builtInLimits = builtInLimits;
    this.maxLabelValueLength = maxLabelValueLength;
    this.declared = copy(declared);
    this.histograms = histograms;
    this.histogramCommonLabels = histogramCommonLabels;
    this.spanContext = spanContext;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public SeriesBudget budget() {
    return budget;
  }

  public int maxLabelValueLength() {
    return maxLabelValueLength;
  }

  // ---------------------------------------------------------------- built-in families

  /** A built-in counter family exposed as {@code exposedName}. */
  public SeriesFamily<Counter> counters(String exposedName, String help, List<LabelSpec> labels) {
    String meterName = stripTotal(exposedName);
    return builtIn(exposedName, labels, ExposedSeries.COUNTER,
        values -> Counter.builder(meterName).description(help).tags(tags(labels, values))
            .register(registry), false);
  }

  /** A built-in histogram family in seconds. */
  public SeriesFamily<HistogramCell> histograms(String exposedName, String help, List<LabelSpec> labels,
      List<Double> buckets) {
    return builtIn(exposedName, labels, ExposedSeries.histogram(buckets.size()),
        histogramCells(exposedName, help, labels, buckets), false);
  }

  /**
   * A built-in family, its limit taken from the settings, whose series start at 0 when every label's
   * values are declared (or, but for a gauge, closed).
   */
  public <M> SeriesFamily<M> builtIn(String exposedName, List<LabelSpec> labels, int seriesPerCombination,
      SeriesFamily.Factory<M> factory, boolean gauge) {
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

  private int builtInLimit(String exposedName, int minimum) {
    Integer explicit = limits.get(exposedName);
    if (explicit != null) {
      return explicit;
    }
    return capped(builtInLimits.get(exposedName), minimum);
  }

  /** A default limit lowered to {@code cardinalityLimit(n)}, but never below what the metric needs. */
  private int capped(int defaultLimit, int minimum) {
    return Math.min(defaultLimit, Math.max(limitCap, minimum));
  }

  // ---------------------------------------------------------------- custom families

  /**
   * The guarded family of a custom metric: claims {@code exposedName} (and Micrometer's
   * {@code meterName} for it), then its limit from the series budget.
   *
   * @param builderLimit the limit the metric's builder set, or 0 for the default
   * @param factory makes the series' factory, once the name is claimed
   * @throws IllegalArgumentException if the name is taken or the limit does not fit
   */
  public <M> SeriesFamily<M> custom(String exposedName, String meterName, List<LabelSpec> labels,
      int builderLimit, int seriesPerCombination, Supplier<SeriesFamily.Factory<M>> factory) {
    claimCustomName(exposedName, meterName);
    SeriesFamily<M> family;
    try {
      int limit = customLimit(exposedName, builderLimit, labels, seriesPerCombination);
      // Made once the name is claimed: a histogram's factory registers its family in the collector.
      family = guarded(exposedName, labels, limit, seriesPerCombination, factory.get());
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

  /** Claims {@code exposedName} for a custom metric; fails if any metric already uses it. */
  private void claimCustomName(String exposedName, String meterName) {
    Set<String> taken = new HashSet<>();
    NamingConvention convention = registry.config().namingConvention();
    for (Meter meter : registry.getMeters()) {
      String n = meter.getId().getConventionName(convention);
      taken.add(n);
      taken.add(n + "_total");
      taken.add(n + "_max");
    }
    boolean histogram = histograms != null && (histograms.has(exposedName) || histograms.has(meterName));
    if (exposedName.startsWith("englog_metrics_") || histogram
        || RESERVED_NAMES.contains(exposedName) || RESERVED_NAMES.contains(meterName)
        || taken.contains(exposedName) || taken.contains(meterName) || !customNames.add(exposedName)) {
      throw new IllegalArgumentException("a metric named " + exposedName + " is already registered");
    }
  }

  /**
   * The cardinality limit of a custom metric in exposed series: its builder's, then
   * {@code cardinalityLimit(metric, n)}, then {@link EnglogMetrics#DEFAULT_CARDINALITY_LIMIT} with
   * labels (or what its smallest fold needs if more) capped by {@code cardinalityLimit(n)} down to
   * that smallest limit; without labels what its one series costs.
   */
  private int customLimit(String exposedName, int builderLimit, List<LabelSpec> labels,
      int seriesPerCombination) {
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
    return capped(Math.max(EnglogMetrics.DEFAULT_CARDINALITY_LIMIT, minimum), minimum);
  }

  // ---------------------------------------------------------------- histograms

  /**
   * How a histogram's series are made: {@link FastHistogram}s exposed through the Prometheus registry
   * when there is one, Micrometer {@code Timer}s otherwise (docs/design.md says why both remain).
   */
  public SeriesFamily.Factory<HistogramCell> histogramCells(String name, String help, List<LabelSpec> labels,
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

  /**
   * The tags the registry's filters added to {@code meter} beyond its own ({@code registry.config()
   * .commonTags(...)}, or a filter adding tags to every meter), as Prometheus labels. A tag a filter
   * adds to some meter names only is seen as it applies to {@code meter}'s name.
   */
  public static Labels commonLabels(Meter meter, Set<String> ownTagKeys, NamingConvention convention) {
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

  // ---------------------------------------------------------------- the guard

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

  /** Counts a recording into {@code metric} that failed; never throws. */
  public void dropped(String metric, RuntimeException e) {
    try {
      droppedCounter(metric).increment();
      LOG.log(System.Logger.Level.DEBUG, () -> "recording into " + metric + " failed", e);
    } catch (RuntimeException ignored) {
      // Counting the drop failed too; the host service must still not see an exception.
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Micrometer's name of a metric exposed as {@code name}: without {@code _total}. */
  public static String stripTotal(String name) {
    return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
  }

  /** The tags of one series: each label's name with its value. */
  public static Tags tags(List<LabelSpec> labels, List<String> values) {
    String[] kv = new String[labels.size() * 2];
    for (int i = 0; i < labels.size(); i++) {
      kv[2 * i] = labels.get(i).name();
      kv[2 * i + 1] = values.get(i);
    }
    return Tags.of(kv);
  }

  private static Set<String> reserved(String... names) {
    Set<String> s = new HashSet<>();
    for (String n : names) {
      s.add(n);
      s.add(stripTotal(n));
      s.add(n + "_max");
    }
    return Collections.unmodifiableSet(s);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> m) {
    Map<String, List<String>> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(c);
  }
}
