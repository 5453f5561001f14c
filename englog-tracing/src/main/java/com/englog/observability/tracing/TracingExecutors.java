package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.ContextFuture;
import com.englog.observability.tracing.internal.VirtualThreads;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Keeps the trace when work changes threads: a span current on the request thread becomes the parent
 * of what a pool, a scheduled task, a {@code CompletableFuture} stage or a virtual thread does for it.
 * Each task runs in the context that was current when it was <em>submitted</em> (not when the pool
 * was created), and the worker thread's own context is restored afterwards.
 *
 * <pre>{@code
 * ExecutorService pool = TracingExecutors.wrap(Executors.newFixedThreadPool(4));
 * tracing.inSpan("handle", SpanKind.SERVER, Attributes.empty(), () ->
 *     pool.submit(() -> tracing.traceDbQuery("select", "journals", repo::load)).get());
 * }</pre>
 *
 * <p>These wrappers depend only on the OpenTelemetry context, not on a {@link Tracing} instance, so
 * they are static. Shutting a wrapped executor down shuts the one it wraps.
 */
public final class TracingExecutors {

  private TracingExecutors() {}

  /** An executor whose tasks run in the context current at {@code execute}. */
  public static Executor wrap(Executor executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  /** An executor service whose tasks (submit, invokeAll, invokeAny, execute) carry the submitter's context. */
  public static ExecutorService wrap(ExecutorService executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * A scheduled executor whose delayed tasks ({@code schedule}, {@code submit}, {@code execute})
   * carry the scheduler's context. Periodic tasks ({@code scheduleAtFixedRate}, {@code
   * scheduleWithFixedDelay}) deliberately do not: they outlive the request that scheduled them, and
   * every tick under that request would grow one trace forever. Start a span per tick instead.
   */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * A future that completes with {@code source} and whose dependent stages ({@code thenApply},
   * {@code thenCompose}, {@code whenComplete}, … and their {@code Async} forms) each run in the
   * context current where the stage was attached, whichever thread runs them. Stages attached to
   * the returned future propagate the same way.
   */
  public static <T> CompletableFuture<T> wrap(CompletionStage<T> source) {
    return ContextFuture.of(Objects.requireNonNull(source, "source"));
  }

  /**
   * {@link CompletableFuture#supplyAsync(Supplier)} on the common pool, with the caller's context in
   * {@code supplier} and in every stage attached to the result.
   */
  public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier) {
    return supplyAsync(supplier, ForkJoinPool.commonPool());
  }

  /** {@link CompletableFuture#supplyAsync(Supplier, Executor)} with the caller's context, as above. */
  public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier, Executor executor) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(executor, "executor");
    return new ContextFuture<T>().completeAsync(supplier, executor);
  }

  /** {@link CompletableFuture#runAsync(Runnable, Executor)} with the caller's context, as above. */
  public static CompletableFuture<Void> runAsync(Runnable task, Executor executor) {
    Objects.requireNonNull(task, "task");
    return supplyAsync(() -> {
      task.run();
      return null;
    }, executor);
  }

  /** True on Java 21 or newer, where {@link #newVirtualThreadPerTaskExecutor()} works. */
  public static boolean virtualThreadsAvailable() {
    return VirtualThreads.available();
  }

  /**
   * Java 21's {@code Executors.newVirtualThreadPerTaskExecutor()}, each task carrying its submitter's
   * context. The library is compiled for Java 17, so this is reached reflectively.
   *
   * @throws UnsupportedOperationException before Java 21
   */
  public static ExecutorService newVirtualThreadPerTaskExecutor() {
    return wrap(VirtualThreads.newVirtualThreadPerTaskExecutor());
  }

  /**
   * Starts {@code task} on a new virtual thread (Java 21's {@code Thread.startVirtualThread}) in the
   * caller's context.
   *
   * @throws UnsupportedOperationException before Java 21
   */
  public static Thread startVirtualThread(Runnable task) {
    return VirtualThreads.startVirtualThread(Context.current().wrap(Objects.requireNonNull(task, "task")));
  }
}
