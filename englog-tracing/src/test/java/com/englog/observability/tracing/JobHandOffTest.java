package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** API → queue → worker is one trace when the job carries its headers. */
class JobHandOffTest {

  /** A job as it would sit in Redis: a payload and the trace headers, both plain strings. */
  static final class Job {
    final String entryId;
    final Map<String, String> headers;

    Job(String entryId, Map<String, String> headers) {
      this.entryId = entryId;
      this.headers = Map.copyOf(headers);
    }
  }

  @Test
  @SuppressWarnings("try")
  void theWorkersSpanContinuesTheApisTraceAcrossAQueueAndAThread() throws Exception {
    BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    try (InMemoryTracing api = new InMemoryTracing(b -> b.serviceName("englog-api"));
        InMemoryTracing worker = new InMemoryTracing(b -> b.serviceName("englog-worker"))) {

      try (Scope s = Context.current().with(Baggage.builder().put("user.tier", "pro").build()).makeCurrent()) {
        api.tracing.inSpan("POST /api/v1/journals", SpanKind.SERVER, null, () -> {
          Map<String, String> headers = new HashMap<>();
          api.tracing.traceEnqueue("summarize", headers, () -> queue.add(new Job("entry-42", headers)));
        });
      }

      String[] seen = new String[2];
      Thread workerThread = new Thread(() -> {
        try {
          Job job = queue.poll(30, TimeUnit.SECONDS);
          worker.tracing.traceJob("summarize", job.headers, () -> {
            seen[0] = Baggage.current().getEntryValue("user.tier");
            worker.tracing.traceDbQuery("update", "journals", () -> job.entryId);
          });
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      workerThread.start();
      workerThread.join(TimeUnit.SECONDS.toMillis(30));

      SpanData request = api.span("POST /api/v1/journals");
      SpanData send = api.span("send summarize");
      SpanData process = worker.span("process summarize");
      SpanData update = worker.span("update journals");

      assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(send.getParentSpanId()).isEqualTo(request.getSpanId());
      assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(process.getTraceId()).isEqualTo(request.getTraceId());
      assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(update.getParentSpanId()).isEqualTo(process.getSpanId());
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("redis");
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("summarize");
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("process");
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.name"))).isEqualTo("process");
      assertThat(send.getAttributes().get(AttributeKey.stringKey("messaging.operation.name"))).isEqualTo("send");
      assertThat(process.getLinks()).as("the process span links to the job's creation context")
          .extracting(l -> l.getSpanContext().getSpanId()).containsExactly(send.getSpanId());
      assertThat(seen[0]).as("baggage travels with the job").isEqualTo("pro");
      assertThat(process.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("englog-worker");
    }
  }

  @Test
  @SuppressWarnings("try")
  void insideAWorkersOwnSpanAJobKeepsItsCreationParentAndLinksTheWorkersSpan() {
    try (InMemoryTracing api = new InMemoryTracing(b -> b.serviceName("englog-api"));
        InMemoryTracing worker = new InMemoryTracing(b -> b.serviceName("englog-worker"))) {
      Map<String, String> headers = new HashMap<>();
      api.tracing.traceEnqueue("summarize", headers, () -> {});

      worker.tracing.inSpan("poll jobs", SpanKind.INTERNAL, null, () -> {
        worker.tracing.traceJob("summarize", headers, () -> 1);
        worker.tracing.traceJob("cleanup", Map.of(), () -> 1);
      });

      SpanData send = api.span("send summarize");
      SpanData poll = worker.span("poll jobs");
      SpanData withContext = worker.span("process summarize");
      SpanData without = worker.span("process cleanup");
      assertThat(withContext.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(withContext.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
          .containsExactly(send.getSpanId(), poll.getSpanId());
      assertThat(without.getParentSpanId()).as("no context in the job: a child of the worker's span")
          .isEqualTo(poll.getSpanId());
      assertThat(without.getLinks()).isEmpty();
    }
  }

  @Test
  void aJobWithoutOrWithBrokenHeadersStartsItsOwnTrace() {
    try (InMemoryTracing worker = new InMemoryTracing()) {
      worker.tracing.traceJob("summarize", Map.of(), () -> 1);
      worker.tracing.traceJob("export", Map.of("traceparent", "00-garbage"), () -> 1);
      worker.tracing.traceJob("cleanup", null, () -> 1);

      assertThat(worker.spans()).hasSize(3)
          .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
      assertThat(worker.tracing.rejectedContexts()).isEqualTo(1);
    }
  }
}
