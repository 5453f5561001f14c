package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** A span started on the "request" thread is the parent of work done elsewhere for it. */
class TracingExecutorsTest {

  private static final long WAIT = 30;

  private final InMemoryTracing memory = new InMemoryTracing();
  private final Tracing tracing = memory.tracing;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

  @AfterEach
  void close() {
    pool.shutdownNow();
    scheduler.shutdownNow();
    memory.close();
  }

  private String child(String name) {
    return tracing.inSpan(name, null, null, () -> Span.current().getSpanContext().getSpanId());
  }

  /** Runs {@code body} in a span "request" and returns that span's id. */
  private String inRequest(VoidSpanWork<Exception> body) throws Exception {
    return tracing.inSpan("request", null, null, () -> {
      body.run();
      return Span.current().getSpanContext().getSpanId();
    });
  }

  private void assertChildOf(String child, String parentSpanId) {
    SpanData span = memory.span(child);
    assertThat(span.getParentSpanId()).as("%s's parent", child).isEqualTo(parentSpanId);
    assertThat(span.getTraceId()).isEqualTo(memory.span("request").getTraceId());
  }

  private void assertRoot(String child) {
    assertThat(memory.span(child).getParentSpanContext().isValid()).as("%s is a root", child).isFalse();
  }

  @Test
  void withoutAWrapperThePoolLosesTheTrace() throws Exception {
    inRequest(() -> pool.submit(() -> child("lost")).get(WAIT, TimeUnit.SECONDS));
    assertRoot("lost");
  }

  @Test
  void executorTasksCarryTheSubmittersContext() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    String request = inRequest(() -> TracingExecutors.wrap((java.util.concurrent.Executor) pool).execute(() -> {
      child("executed");
      done.countDown();
    }));
    assertThat(done.await(WAIT, TimeUnit.SECONDS)).isTrue();
    assertChildOf("executed", request);
  }

  @Test
  void executorServiceSubmitAndInvokeAllCarryTheContext() throws Exception {
    ExecutorService traced = TracingExecutors.wrap(pool);
    String request = inRequest(() -> {
      traced.submit(() -> child("submitted")).get(WAIT, TimeUnit.SECONDS);
      List<Callable<String>> batch = List.of(() -> child("batch-1"), () -> child("batch-2"));
      for (var f : traced.invokeAll(batch, WAIT, TimeUnit.SECONDS)) {
        f.get();
      }
    });
    assertChildOf("submitted", request);
    assertChildOf("batch-1", request);
    assertChildOf("batch-2", request);
  }

  @Test
  void delayedTasksCarryTheContextButPeriodicOnesStartFresh() throws Exception {
    ScheduledExecutorService traced = TracingExecutors.wrap(scheduler);
    CountDownLatch ticks = new CountDownLatch(2);
    String[] periodic = new String[1];
    String request = inRequest(() -> {
      traced.schedule(() -> child("delayed"), 10, TimeUnit.MILLISECONDS).get(WAIT, TimeUnit.SECONDS);
      ScheduledFuture<?> f = traced.scheduleAtFixedRate(() -> {
        periodic[0] = Span.current().getSpanContext().getSpanId();
        ticks.countDown();
      }, 0, 5, TimeUnit.MILLISECONDS);
      assertThat(ticks.await(WAIT, TimeUnit.SECONDS)).isTrue();
      f.cancel(false);
    });
    assertChildOf("delayed", request);
    // A periodic task outlives the request that scheduled it; making every tick a child of that
    // request would grow one trace forever. Each tick starts clean (OpenTelemetry's choice too).
    assertThat(periodic[0]).as("the periodic task is not tied to the request").isEqualTo("0000000000000000");
  }

  @Test
  void completableFutureStagesRunInTheContextWhereTheyWereAttached() throws Exception {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> raw = new CompletableFuture<>();
    CompletableFuture<?>[] stages = new CompletableFuture<?>[7];
    String request = inRequest(() -> {
      CompletableFuture<String> traced = TracingExecutors.wrap(source);
      stages[0] = traced.thenApply(v -> child("thenApply"));
      stages[1] = traced.thenApply(v -> v).thenApply(v -> child("chained"));
      stages[2] = traced.thenApplyAsync(v -> child("thenApplyAsync"));
      stages[3] = traced.thenCompose(v -> CompletableFuture.completedFuture(child("thenCompose")));
      stages[4] = traced.whenComplete((v, e) -> child("whenComplete"));
      stages[5] = traced.thenCombine(CompletableFuture.completedFuture("x"), (a, b) -> child("thenCombine"));
      stages[6] = raw.thenApply(v -> child("unwrapped"));
    });
    // Completed later, from a pool thread that knows nothing of the request.
    pool.submit(() -> {
      source.complete("value");
      raw.complete("value");
    }).get(WAIT, TimeUnit.SECONDS);
    CompletableFuture.allOf(stages).get(WAIT, TimeUnit.SECONDS);

    for (String stage : List.of("thenApply", "chained", "thenApplyAsync", "thenCompose", "whenComplete", "thenCombine")) {
      assertChildOf(stage, request);
    }
    assertRoot("unwrapped");
  }

  @Test
  void exceptionalStagesCarryTheContextToo() throws Exception {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<?>[] stages = new CompletableFuture<?>[2];
    String request = inRequest(() -> {
      CompletableFuture<String> traced = TracingExecutors.wrap(source);
      stages[0] = traced.exceptionally(e -> child("exceptionally"));
      stages[1] = traced.handle((v, e) -> child("handle"));
    });
    pool.submit(() -> source.completeExceptionally(new IllegalStateException("down"))).get(WAIT, TimeUnit.SECONDS);
    CompletableFuture.allOf(stages).get(WAIT, TimeUnit.SECONDS);
    assertChildOf("exceptionally", request);
    assertChildOf("handle", request);
  }

  @Test
  void aNullStageActionIsRefusedWhereItIsAttachedAsCompletableFutureDoes() {
    CompletableFuture<String> traced = TracingExecutors.wrap(new CompletableFuture<String>());

    assertThatThrownBy(() -> traced.thenApply(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> traced.thenAcceptAsync(null, pool)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> traced.handle(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> traced.whenComplete(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> traced.thenRun(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TracingExecutors.supplyAsync(null, pool)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void supplyAsyncAndRunAsyncCarryTheContextIntoTheTaskAndItsStages() throws Exception {
    String request = inRequest(() -> {
      TracingExecutors.supplyAsync(() -> child("supplied"), pool)
          .thenApplyAsync(v -> child("after-supply"), pool)
          .get(WAIT, TimeUnit.SECONDS);
      TracingExecutors.runAsync(() -> child("ran"), pool).get(WAIT, TimeUnit.SECONDS);
      TracingExecutors.supplyAsync(() -> child("common-pool")).get(WAIT, TimeUnit.SECONDS);
    });
    assertChildOf("supplied", request);
    assertChildOf("after-supply", request);
    assertChildOf("ran", request);
    assertChildOf("common-pool", request);
  }

  @Test
  void theWorkerThreadsOwnContextIsRestoredAfterATask() throws Exception {
    ExecutorService single = TracingExecutors.wrap(Executors.newSingleThreadExecutor());
    try {
      inRequest(() -> single.submit(() -> child("first")).get(WAIT, TimeUnit.SECONDS));
      String after = single.submit(() -> Span.current().getSpanContext().getSpanId()).get(WAIT, TimeUnit.SECONDS);
      assertThat(after).isEqualTo("0000000000000000");
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void virtualThreadTasksCarryTheContext() throws Exception {
    assertThat(TracingExecutors.virtualThreadsAvailable()).isTrue();
    ExecutorService virtual = TracingExecutors.newVirtualThreadPerTaskExecutor();
    try {
      Thread[] started = new Thread[1];
      String request = inRequest(() -> {
        virtual.submit(() -> child("virtual-task")).get(WAIT, TimeUnit.SECONDS);
        started[0] = TracingExecutors.startVirtualThread(() -> child("virtual-thread"));
        started[0].join(TimeUnit.SECONDS.toMillis(WAIT));
      });
      // Thread.isVirtual() is Java 21 API; the tests compile for 17.
      assertThat(Thread.class.getMethod("isVirtual").invoke(started[0])).isEqualTo(true);
      assertChildOf("virtual-task", request);
      assertChildOf("virtual-thread", request);
    } finally {
      virtual.shutdownNow();
    }
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void beforeJava21VirtualThreadsAreAClearError() {
    assertThat(TracingExecutors.virtualThreadsAvailable()).isFalse();
    assertThatThrownBy(TracingExecutors::newVirtualThreadPerTaskExecutor)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("virtual threads need Java 21 or newer");
  }
}
