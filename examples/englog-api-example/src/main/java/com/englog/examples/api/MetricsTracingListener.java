package com.englog.examples.api;

import com.englog.observability.metrics.Metrics;
import com.englog.observability.tracing.TracingListener;
import java.time.Duration;

/**
 * Turns every {@code traceDbQuery} and {@code traceAiProcessing} call into its metric, while the call's
 * span is still current: the histogram bucket gets that span as its exemplar. One call site, span and
 * metric.
 */
final class MetricsTracingListener implements TracingListener {

  @Override
  public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
    Metrics.recordDatabaseQuery(operation, table, duration);
  }

  @Override
  public void onAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
    Metrics.recordAiProcessing(taskType, provider, duration, error);
  }
}
