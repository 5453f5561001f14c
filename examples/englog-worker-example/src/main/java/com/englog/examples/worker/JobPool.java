package com.englog.examples.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of worker threads and a bounded queue in front of them: memory stays bounded however
 * fast jobs arrive. The HTTP hand-off is told "full" ({@link #offer}) and answers 503; the Redis
 * consumer waits for room ({@link #awaitRoom}) and leaves the jobs on the Redis list meanwhile.
 */
final class JobPool {

  private static final Logger LOG = LoggerFactory.getLogger(JobPool.class);

  private final Consumer<AiJob> processor;
  private final ThreadPoolExecutor executor;
  /** One permit per job the pool may hold, running or waiting. */
  private final Semaphore room;

  /** {@code processor} runs each job on a pool thread and must not throw (a {@link JobProcessor} does not). */
  JobPool(Consumer<AiJob> processor, int threads, int queueCapacity) {
    this.processor = processor;
    this.room = new Semaphore(threads + queueCapacity);
    // The semaphore is the bound: at most threads + queueCapacity jobs, running or queued. (An
    // ArrayBlockingQueue of that size would refuse a job whose permit was just released by a task that
    // ended, before its thread took the next job from the queue.)
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), named("englog-worker-job-"));
  }

  /** Takes {@code job} if there is room now; false when the pool is full or shutting down. */
  boolean offer(AiJob job) {
    if (executor.isShutdown() || !room.tryAcquire()) {
      return false;
    }
    return run(job);
  }

  /** Takes {@code job} when there is room within {@code wait}; false when there was none or the pool is shutting down. */
  boolean offer(AiJob job, Duration wait) throws InterruptedException {
    if (executor.isShutdown() || !room.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    return run(job);
  }

  /** Waits up to {@code timeout} until the pool has room for a job; true when it has. */
  boolean awaitRoom(Duration timeout) throws InterruptedException {
    if (!room.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    room.release();
    return true;
  }

  /** Jobs waiting for a thread (the {@code englog_worker_queue_jobs} gauge). */
  int queued() {
    return executor.getQueue().size();
  }

  /**
   * Takes no more jobs and lets those it holds finish within {@code timeout}.
   *
   * @return true when every job finished; false when some were abandoned (and logged)
   */
  boolean drain(Duration timeout) throws InterruptedException {
    executor.shutdown();
    if (executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    List<Runnable> neverStarted = executor.shutdownNow();   // interrupts the running ones
    LOG.warn("drain time of {} s over: {} queued job(s) dropped, running ones interrupted",
        timeout.toSeconds(), neverStarted.size());
    return false;
  }

  private boolean run(AiJob job) {
    try {
      executor.execute(() -> {
        try {
          processor.accept(job);
        } finally {
          room.release();
        }
      });
      return true;
    } catch (RuntimeException e) {   // rejected: shut down between the check and now
      room.release();
      return false;
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + n.incrementAndGet());
      thread.setDaemon(false);
      return thread;
    };
  }
}
