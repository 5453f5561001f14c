package com.englog.observability.logging;

import ch.qos.logback.classic.LoggerContext;
import com.englog.observability.logging.internal.DropTally;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Running totals of the log events the {@link BoundedAsyncAppender}s of one logback context did not
 * write, by level: dropped because the queue was full (at once for INFO and below, after the bounded
 * wait for WARN and ERROR), or still queued when the appender stopped and its {@code maxFlushTime} ran
 * out. For the metric {@code englog_logging_events_dropped_total{level}} (label values
 * {@link #label(Level)}: {@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace}).
 * Totals survive logback reconfiguration. Typed with JDK types, so that the module composing logging
 * and metrics publishes them, e.g. with englog-metrics' custom counters:
 *
 * <pre>{@code
 * DroppedEventCounts drops = DroppedEventCounts.of(loggerContext);
 * CustomCounter dropped = metrics.counter("englog_logging_events_dropped")
 *     .help("Log events not written because the appender queue was full or did not drain at shutdown, by level.")
 *     .labelNames("level").register();
 * for (Level level : Level.values()) {
 *   dropped.bind(drops.counter(level), DroppedEventCounts.label(level));
 * }
 * }</pre>
 *
 * Readings are cheap ({@code LongAdder} sums), safe from any thread, never throw and only grow.
 */
public final class DroppedEventCounts {

  private final DropTally tally;

  private DroppedEventCounts(DropTally tally) {
    this.tally = tally;
  }

  /** The counts of every {@link BoundedAsyncAppender} started in {@code context}. */
  public static DroppedEventCounts of(LoggerContext context) {
    return new DroppedEventCounts(DropTally.of(Objects.requireNonNull(context, "context")));
  }

  /**
   * The counts of SLF4J's logback context, for applications; libraries should take a
   * {@link LoggerContext} or a {@code DroppedEventCounts}.
   *
   * @throws IllegalStateException if SLF4J is not bound to logback
   */
  public static DroppedEventCounts ofDefaultContext() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName()
          + ", not to logback; dropped-event counts exist only for logback's BoundedAsyncAppender");
    }
    return of((LoggerContext) factory);
  }

  /** The metric's label value of {@code level}: its name in lower case ({@code warn}). */
  public static String label(Level level) {
    return Objects.requireNonNull(level, "level").name().toLowerCase(Locale.ROOT);
  }

  /** Events of {@code level} not written so far. */
  public long count(Level level) {
    return tally.count(Objects.requireNonNull(level, "level").ordinal());
  }

  /** Events of every level not written so far. */
  public long total() {
    long sum = 0;
    for (int i = 0; i < DropTally.LEVELS; i++) {
      sum += tally.count(i);
    }
    return sum;
  }

  /** A live, monotonic reading of {@link #count(Level)}, e.g. for a function counter. */
  public LongSupplier counter(Level level) {
    int index = Objects.requireNonNull(level, "level").ordinal();
    return () -> tally.count(index);
  }
}
