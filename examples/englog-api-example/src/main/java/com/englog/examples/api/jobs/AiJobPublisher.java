package com.englog.examples.api.jobs;

import com.englog.examples.api.journals.Journal;
import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands a new journal to the worker for summarising. {@code traceEnqueue} starts the PRODUCER span and
 * writes its W3C context into the carrier before the work runs, so the job carries the span that sent it.
 */
public final class AiJobPublisher {

  /** The job type: the span is {@code "send summarize"}, the worker's {@code "process summarize"}. */
  public static final String JOB_TYPE = "summarize";

  private final JobQueue queue;
  private final Tracing tracing;

  public AiJobPublisher(JobQueue queue, Tracing tracing) {
    this.queue = queue;
    this.tracing = tracing;
  }

  public void publish(Journal journal) throws IOException {
    Map<String, String> trace = new LinkedHashMap<>();
    tracing.traceEnqueue(JOB_TYPE, trace, () -> {
      queue.peer().describe(Span.current());
      queue.send(new AiJob(journal.id(), journal.userId(), journal.body(), Instant.now().toString(), trace));
    });
  }
}
