package com.englog.observability.tracing;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Told when a helper's work ends, so the same call site can feed other signals: the metrics module's
 * {@code EnglogMetrics.recordAiProcessing(taskType, provider, duration, error)} and {@code
 * recordDatabaseQuery(operation, table, duration)} take exactly these arguments (see {@code
 * docs/tracing.md}, "One call site, span and metric"). Tracing does not depend on metrics; whoever
 * composes the two wires this hook.
 *
 * <p>Methods have empty defaults. They run on the thread that ran the work, right after its span
 * ended and while that span is still {@code Span.current()}, so a histogram recorded here with
 * exemplars takes this span's trace and span id; also when the span was not sampled (then no
 * exemplar). They must be fast and must not throw: an exception is caught, counted ({@link
 * Tracing#listenerFailures()}) and otherwise ignored.
 */
public interface TracingListener {

  /** A listener that does nothing. */
  TracingListener NONE = new TracingListener() {};

  /**
   * A {@code traceDbQuery} ended.
   *
   * @param error what the work threw, or null
   */
  default void onDbQuery(String operation, String table, Duration duration, @Nullable Throwable error) {}

  /**
   * A {@code traceAiProcessing} ended.
   *
   * @param error what the work threw, or null
   */
  default void onAiProcessing(String taskType, String provider, Duration duration, @Nullable Throwable error) {}
}
