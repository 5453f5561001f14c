package com.englog.examples.worker;

import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job: a CONSUMER span {@code "process summarize"} whose parent is the API's PRODUCER span
 * (from the job's {@code trace} headers), and inside it the AI provider call, a CLIENT span.
 */
final class JobProcessor {

  static final String JOB_TYPE = "summarize";

  private static final Logger LOG = LoggerFactory.getLogger(JobProcessor.class);
  private static final StructuredLogger EVENTS = StructuredLogger.of(JobProcessor.class);
  private static final AttributeKey<String> JOURNAL_ID = AttributeKey.stringKey("englog.journal.id");
  private static final AttributeKey<Long> QUEUE_WAIT_MS = AttributeKey.longKey("englog.job.queue_wait_ms");

  private final Tracing tracing;
  private final AiProviderClient ai;
  private final Clock clock;

  JobProcessor(Tracing tracing, AiProviderClient ai, Clock clock) {
    this.tracing = tracing;
    this.ai = ai;
    this.clock = clock;
  }

  /** Processes {@code job}; a failure is logged (with the trace id) and the job dropped, never thrown. */
  void process(AiJob job) {
    try {
      tracing.traceJob(JOB_TYPE, job.trace(), () -> summarize(job));
    } catch (AiProviderException e) {
      LOG.warn("AI job for journal {} failed: the provider answered HTTP {}", job.journalId(), e.statusCode());
    } catch (IOException e) {
      // The ai_processing_error line of this call has the exception; this one says which job it was.
      LOG.warn("AI job for journal {} failed: {}", job.journalId(), e.toString());
    } catch (RuntimeException e) {
      LOG.error("AI job for journal {} failed", job.journalId(), e);
    }
  }

  private void summarize(AiJob job) throws IOException {
    Span span = Span.current();
    span.setAttribute(JOURNAL_ID, job.journalId());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("journal_id", job.journalId());
    job.enqueuedAt().ifPresent(at -> {
      long waited = Math.max(0, Duration.between(at, clock.instant()).toMillis());
      span.setAttribute(QUEUE_WAIT_MS, waited);
      event.put("queue_wait_ms", waited);
    });

    AiProviderClient.Summary summary = ai.summarize(job.text());

    event.put("tokens", summary.tokens());
    EVENTS.logBusinessEvent("ai_summary_created", job.userId().isEmpty() ? null : job.userId(), event);
  }
}
