package com.englog.observability.servlet;

import ch.qos.logback.classic.LoggerContext;
import com.englog.observability.logging.DroppedEventCounts;
import com.englog.observability.logging.RedactionCounts;
import com.englog.observability.logging.RedactionKind;
import com.englog.observability.metrics.CustomCounter;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.Tracing;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * The hooks {@link EnglogServlet#install} publishes on one {@link EnglogMetrics}: each metric is
 * registered once per metrics instance and reads the sum over every distinct source (logback context,
 * {@link Tracing}) handed to it, so installing twice with the same sources counts nothing twice.
 */
final class PublishedHooks {

  static final String SPANS_DROPPED = "englog_tracing_spans_dropped";
  static final String SPANS_DROPPED_HELP = "Spans dropped before export because the export queue was full.";
  static final String SPANS_FAILED = "englog_tracing_spans_failed";
  static final String SPANS_FAILED_HELP =
      "Spans in export requests that failed: collector down, timed out or answering an error.";
  static final String CONTEXTS_REJECTED = "englog_tracing_contexts_rejected";
  static final String CONTEXTS_REJECTED_HELP =
      "Incoming trace headers that were present but invalid; those requests started new traces.";
  static final String BAGGAGE_REJECTED = "englog_tracing_baggage_rejected";
  static final String BAGGAGE_REJECTED_HELP =
      "Incoming baggage members dropped as malformed: a broken percent-escape or invalid property characters.";
  static final String QUEUE_SPANS = "englog_tracing_queue_spans";
  static final String QUEUE_SPANS_HELP = "Spans waiting in the export queue.";
  static final String EVENTS_DROPPED = "englog_logging_events_dropped";
  static final String EVENTS_DROPPED_HELP =
      "Log events not written because the appender queue was full or still held them at shutdown, by level.";

  private static final Map<EnglogMetrics, PublishedHooks> BY_METRICS = new WeakHashMap<>();

  private final List<Tracing> tracings = new CopyOnWriteArrayList<>();
  private final List<LoggerContext> loggerContexts = new CopyOnWriteArrayList<>();
  private final List<RedactionCounts> redactions = new CopyOnWriteArrayList<>();
  private final List<DroppedEventCounts> drops = new CopyOnWriteArrayList<>();
  private final Set<EnglogServlet.Hook> published = EnumSet.noneOf(EnglogServlet.Hook.class);

  private PublishedHooks() {}

  static PublishedHooks of(EnglogMetrics metrics) {
    synchronized (BY_METRICS) {
      // Weakly keyed: nothing here refers to the metrics, so a closed and dropped instance goes.
      return BY_METRICS.computeIfAbsent(metrics, m -> new PublishedHooks());
    }
  }

  /** Adds the sources not seen yet and registers what is not registered yet; returns what is in place. */
  synchronized Set<EnglogServlet.Hook> publish(EnglogMetrics metrics, Tracing tracing,
      @Nullable LoggerContext loggerContext) {
    if (!contains(tracings, tracing)) {
      tracings.add(tracing);
    }
    if (!published.contains(EnglogServlet.Hook.TRACING_COUNTERS)) {
      boolean all = counter(metrics, SPANS_DROPPED, SPANS_DROPPED_HELP, Tracing::droppedSpans)
          & counter(metrics, SPANS_FAILED, SPANS_FAILED_HELP, Tracing::failedSpans)
          & counter(metrics, CONTEXTS_REJECTED, CONTEXTS_REJECTED_HELP, Tracing::rejectedContexts)
          & counter(metrics, BAGGAGE_REJECTED, BAGGAGE_REJECTED_HELP, Tracing::rejectedBaggage)
          & gauge(metrics, QUEUE_SPANS, QUEUE_SPANS_HELP, Tracing::queuedSpans);
      if (all) {
        published.add(EnglogServlet.Hook.TRACING_COUNTERS);
      }
    }
    if (loggerContext != null && !contains(loggerContexts, loggerContext)) {
      loggerContexts.add(loggerContext);
      redactions.add(RedactionCounts.of(loggerContext));
      drops.add(DroppedEventCounts.of(loggerContext));
    }
    if (!loggerContexts.isEmpty() && !published.contains(EnglogServlet.Hook.REDACTION_COUNTS)) {
      for (RedactionKind kind : RedactionKind.values()) {
        metrics.bindRedactionCount(kind.label(), () -> {
          long sum = 0;
          for (RedactionCounts counts : redactions) {
            sum += counts.count(kind);
          }
          return sum;
        });
      }
      published.add(EnglogServlet.Hook.REDACTION_COUNTS);
    }
    if (!loggerContexts.isEmpty() && !published.contains(EnglogServlet.Hook.DROPPED_LOG_EVENTS)) {
      try {
        CustomCounter dropped = metrics.counter(EVENTS_DROPPED).help(EVENTS_DROPPED_HELP).labelNames("level")
            .register();
        for (Level level : Level.values()) {
          dropped.bind(() -> {
            long sum = 0;
            for (DroppedEventCounts counts : drops) {
              sum += counts.count(level);
            }
            return sum;
          }, DroppedEventCounts.label(level));
        }
        published.add(EnglogServlet.Hook.DROPPED_LOG_EVENTS);
      } catch (IllegalArgumentException taken) {
        // The service publishes it itself (as docs/logging.md showed before this module did).
      }
    }
    return Collections.unmodifiableSet(EnumSet.copyOf(published));
  }

  private boolean counter(EnglogMetrics metrics, String name, String help, ToLongFunction<Tracing> read) {
    try {
      metrics.counter(name).help(help).registerFunction(() -> sum(read));
      return true;
    } catch (IllegalArgumentException taken) {
      // The service publishes it itself (as docs/tracing.md showed before this module did).
      return false;
    }
  }

  private boolean gauge(EnglogMetrics metrics, String name, String help, ToLongFunction<Tracing> read) {
    try {
      metrics.gauge(name).help(help).registerFunction(() -> sum(read));
      return true;
    } catch (IllegalArgumentException taken) {
      return false;
    }
  }

  private long sum(ToLongFunction<Tracing> read) {
    long sum = 0;
    for (Tracing t : tracings) {
      sum += read.applyAsLong(t);
    }
    return sum;
  }

  private static boolean contains(List<?> list, Object item) {
    for (Object o : list) {
      if (o == item) {
        return true;
      }
    }
    return false;
  }
}
