package com.englog.observability.common.internal;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not public API.
 *
 * <p>The executor of a JDK {@code HttpServer} that bounds how long one exchange may hold a thread.
 *
 * <p>Why: the JDK server hands a connection to its executor as soon as the first byte arrives, and the
 * task then reads the request line and headers with blocking channel reads before any handler runs.
 * With the server's default executor (the dispatcher thread itself) a client that sends half a
 * request and stops stalls the whole server; with a plain pool it holds a thread for ever. The JDK's
 * own limits ({@code sun.net.httpserver.maxReqTime}) are JVM-wide system properties read once when
 * the server class loads, which a library must not set. Instead every exchange runs here under a
 * deadline; a watchdog interrupts the thread of an exchange that outlives it. Socket channels are
 * interruptible: the blocked read or write fails, the channel closes, and the JDK server drops the
 * connection and frees the thread. The interrupt is delivered only while that exchange is still
 * running, and cleared when it ends, so it never reaches the next task on the thread.
 */
public final class ExchangeDeadlines implements Executor, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ExchangeDeadlines.class.getName());
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final Executor delegate;
  private final ExecutorService ownPool;
  private final long timeoutNanos;
  private final ScheduledExecutorService watchdog;
  private final Set<Running> running = ConcurrentHashMap.newKeySet();
  private final LongAdder timedOut = new LongAdder();

  private ExchangeDeadlines(Executor delegate, ExecutorService ownPool, long timeoutNanos,
      String name) {
    this.delegate = delegate;
    this.ownPool = ownPool;
    this.timeoutNanos = timeoutNanos;
    ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, daemon(name + "-watchdog"));
    w.setRemoveOnCancelPolicy(true);
    this.watchdog = w;
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1),
        timeoutNanos / 4));
    watchdog.scheduleAtFixedRate(this::interruptOverdue, period, period, TimeUnit.NANOSECONDS);
  }

  /**
   * Exchanges of endpoint {@code name} (a word for thread names, e.g. {@code metrics}) on a pool of
   * {@code threads} daemon threads with room for {@code queue} waiting
   * connections; past that, new connections are refused (the JDK server closes them).
   */
  public static ExchangeDeadlines ownPool(String name, int threads, int queue, long timeoutNanos) {
    String threadName = "englog-" + name + "-http-" + SERVERS.incrementAndGet();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queue), daemon(threadName), new ThreadPoolExecutor.AbortPolicy());
    return new ExchangeDeadlines(pool, pool, timeoutNanos, threadName);
  }

  /** Exchanges on the caller's executor, which the caller keeps owning. */
  public static ExchangeDeadlines on(String name, Executor executor, long timeoutNanos) {
    return new ExchangeDeadlines(executor, null, timeoutNanos,
        "englog-" + name + "-http-" + SERVERS.incrementAndGet());
  }

  @Override
  public void execute(Runnable exchange) {
    delegate.execute(() -> run(exchange));
  }

  private void run(Runnable exchange) {
    Running r = new Running(Thread.currentThread(), System.nanoTime() + timeoutNanos);
    running.add(r);
    try {
      exchange.run();
    } finally {
      boolean interrupted;
      synchronized (r) {
        r.done = true;
        interrupted = r.interrupted;
      }
      running.remove(r);
      if (interrupted) {
        Thread.interrupted();
      }
    }
  }

  private void interruptOverdue() {
    long now = System.nanoTime();
    for (Running r : running) {
      if (now - r.deadlineNanos >= 0) {
        synchronized (r) {
          if (!r.done && !r.interrupted) {
            r.interrupted = true;
            r.thread.interrupt();
            timedOut.increment();
            LOG.log(System.Logger.Level.DEBUG, "HTTP request exceeded its timeout; connection closed");
          }
        }
      }
    }
  }

  /** Exchanges cut off because they outlived the timeout. */
  public long timedOut() {
    return timedOut.sum();
  }

  /** Stops the watchdog and, when this instance created it, the pool (after the server stopped). */
  @Override
  public void close() {
    watchdog.shutdownNow();
    if (ownPool != null) {
      ownPool.shutdownNow();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static final class Running {
    final Thread thread;
    final long deadlineNanos;
    boolean done;
    boolean interrupted;

    Running(Thread thread, long deadlineNanos) {
      this.thread = thread;
      this.deadlineNanos = deadlineNanos;
    }
  }
}
