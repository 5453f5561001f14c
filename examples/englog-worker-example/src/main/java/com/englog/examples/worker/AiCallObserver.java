package com.englog.examples.worker;

import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.tracing.TracingListener;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One AI call, three signals: when {@code traceAiProcessing}'s span ends, record
 * {@code englog_ai_processing_duration_seconds} (and on failure {@code
 * englog_ai_processing_errors_total}, classified into {@code error_type} from the exception) and write
 * the {@code ai_processing_*} log line. Both run while the AI span is still current, so the histogram
 * bucket gets an exemplar and the log line the span id of that very call.
 */
final class AiCallObserver implements TracingListener {

  private static final StructuredLogger LOG = StructuredLogger.of(AiCallObserver.class);

  @Override
  public void onAiProcessing(String taskType, String provider, Duration duration, @Nullable Throwable error) {
    Metrics.recordAiProcessing(taskType, provider, duration, error);
    LOG.logAiProcessing(taskType, provider, duration, error);
  }
}
