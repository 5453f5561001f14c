package com.englog.observability.metrics.internal;

import com.englog.observability.common.internal.HikariProbe;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;

/**
 * Not public API.
 *
 * <p>The metrics other components feed through hooks, read at scrape time: the redaction counts
 * ({@code englog_security_redactions_total{kind}}) and the connection pool gauges
 * ({@code englog_database_connections_*{database}}).
 */
public final class HookGauges {

  static final String HELP_REDACTIONS = "Secrets and personal data redacted from logs, by kind.";
  static final String HELP_DB_ACTIVE = "Database connections in use, by database (pool).";
  static final String HELP_DB_IDLE = "Idle database connections in the pool, by database.";
  static final String HELP_DB_MAX = "Maximum database connections the pool allows, by database.";
  static final String HELP_DB_PENDING = "Threads waiting for a database connection, by database.";

  private final MeterRegistry registry;
  private final SeriesBudget budget;
  private final int maxLabelValueLength;
  private final Map<String, List<LongSupplier>> redactions = new LinkedHashMap<>();
  private final Set<String> pools = ConcurrentHashMap.newKeySet();
  private final Meter representative;

  /**
   * Registers the redaction counters (their series were claimed from {@code budget} already, so the
   * claim comes before any other metric's).
   */
  public HookGauges(MeterRegistry registry, SeriesBudget budget, int maxLabelValueLength) {
    this.registry = registry;
    this.budget = budget;
    this.maxLabelValueLength = maxLabelValueLength;
    Meter last = null;
    for (String kind : EnglogMetrics.REDACTION_KINDS) {
      List<LongSupplier> sources = new CopyOnWriteArrayList<>();
      redactions.put(kind, sources);
      last = FunctionCounter.builder(GuardedMeters.stripTotal(MetricNames.SECURITY_REDACTIONS_TOTAL),
              sources, HookGauges::sum)
          .description(HELP_REDACTIONS).tag("kind", kind).register(registry);
    }
    this.representative = last;
  }

  /**
   * A meter registered first, whose id (as the registry's filters mapped it) tells which common tags
   * EngLog's histograms must carry; its own tag is {@code kind}.
   */
  public Meter representative() {
    return representative;
  }

  /** See {@code EnglogMetrics.bindRedactionCount}. */
  public void bindRedactionCount(String kind, LongSupplier count) {
    Objects.requireNonNull(count, "count");
    String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
    List<LongSupplier> sources = redactions.get(k);
    if (sources == null) {
      throw new IllegalArgumentException("redaction kind must be one of " + EnglogMetrics.REDACTION_KINDS
          + ", was " + kind);
    }
    sources.add(count);
  }

  /** See {@code EnglogMetrics.bindConnectionPool}. */
  public void bindConnectionPool(String database, IntSupplier active, IntSupplier idle, IntSupplier max,
      IntSupplier pending) {
    Objects.requireNonNull(active, "active");
    Objects.requireNonNull(idle, "idle");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(pending, "pending");
    String db = claimPool(database);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_ACTIVE, HELP_DB_ACTIVE, db, active::getAsInt);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_IDLE, HELP_DB_IDLE, db, idle::getAsInt);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_MAX, HELP_DB_MAX, db, max::getAsInt);
    poolGauge(MetricNames.DATABASE_CONNECTIONS_PENDING, HELP_DB_PENDING, db, pending::getAsInt);
  }

  /** See {@code EnglogMetrics.bindConnectionPool(String, DataSource)}. */
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

  private void poolGauge(String name, String help, String db, DoubleSupplier value) {
    Gauge.builder(name, value, HookGauges::read).description(help).tag("database", db)
        .strongReference(true).register(registry);
  }

  /** Reads a supplier on the scrape thread; one that throws reads as NaN instead of failing the scrape. */
  public static double read(DoubleSupplier supplier) {
    try {
      return supplier.getAsDouble();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
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
}
