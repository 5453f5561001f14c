package com.englog.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import com.englog.observability.common.internal.Settings;
import com.englog.observability.logging.internal.DropTally;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous logback appender that never holds the logging thread longer than a bound, and counts
 * every event it does not write. It hands events to the appenders attached to it (the console or file
 * appender doing the writing) on one worker thread, through a bounded queue:
 *
 * <ul>
 *   <li>TRACE, DEBUG and INFO are never waited for: dropped at once when fewer than
 *       {@code discardingThreshold} slots are free (default: none, so only when the queue is full);
 *   <li>WARN and ERROR wait for a free slot at most {@code maxBlock} (default 100 ms; setting
 *       {@code englog.logging.max-block} / {@code ENGLOG_LOGGING_MAX_BLOCK}), then are dropped too;
 *   <li>at {@link #stop()}, the worker gets {@code maxFlushTime} (default 5 s) to write what is queued;
 *       what is still queued then is dropped and reported on one line on standard error.
 * </ul>
 *
 * <p>While events keep coming, the worker writes what is queued and then pauses 10 ms instead of being
 * woken for each event (only a burst of more than {@code queueSize} events within those 10 ms could
 * fill the queue meanwhile); events stay in the queue until it writes them, so the counts at {@link
 * #stop()} are exact. An attached {@code OutputStreamAppender} (file or console) with {@code
 * <immediateFlush>false</immediateFlush>} is flushed by the worker at most {@code flushInterval} (default
 * 1 s; setting {@code englog.logging.flush-interval} / {@code ENGLOG_LOGGING_FLUSH_INTERVAL}) after it
 * wrote the first line not yet flushed, and when it stops: a line reaches the file within {@code
 * flushInterval} of being written by the worker, in a few large writes instead of one system call per
 * line (its own buffer, 8 KiB by default, also goes out whenever it fills). What a killed process
 * (SIGKILL, the OOM killer) loses is what was queued or buffered, at most {@code flushInterval} of lines
 * at the rate they were written. With {@code immediateFlush} true (logback's default) every line is
 * written as the worker takes it, as before.
 *
 * Every dropped event is counted by level in {@link DroppedEventCounts} (the metric
 * {@code englog_logging_events_dropped_total{level}}), so a stalled stdout costs log lines, counted,
 * never request threads. The logging thread's MDC (with the trace ids) is copied before the event is
 * queued; message arguments and key-value values are rendered later, on the worker.
 *
 * <pre>{@code
 * <appender name="ASYNC" class="com.englog.observability.logging.BoundedAsyncAppender">
 *   <queueSize>8192</queueSize>
 *   <maxBlock>100 ms</maxBlock>
 *   <maxFlushTime>5000</maxFlushTime>
 *   <appender-ref ref="STDOUT"/>
 * </appender>
 * }</pre>
 *
 * The setters are for logback's configuration and take effect at the next {@link #start()}; in code,
 * {@link #builder()}.
 */
public final class BoundedAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {

  public static final int DEFAULT_QUEUE_SIZE = 8192;
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_FLUSH_TIME = Duration.ofSeconds(5);
  /** The setting {@code englog.logging.max-block} / {@code ENGLOG_LOGGING_MAX_BLOCK}. */
  public static final String MAX_BLOCK_SETTING = "max-block";
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
  /** The setting {@code englog.logging.flush-interval} / {@code ENGLOG_LOGGING_FLUSH_INTERVAL}. */
  public static final String FLUSH_INTERVAL_SETTING = "flush-interval";
  /**
   * The worker's pause when it finds the queue empty after writing: events arriving meanwhile are
   * written together instead of each waking it (a wake-up costs the logging thread a system call).
   */
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final String MODULE = "logging";
  /** Put in the queue by {@link #stop()}: the worker ends when it takes it. */
  private static final ILoggingEvent STOP = new LoggingEvent();

  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private int discardingThreshold;
  private String maxBlockSpec;
  private String flushIntervalSpec;
  private Duration maxFlushTime = DEFAULT_MAX_FLUSH_TIME;
  private boolean includeCallerData;
  private Function<String, String> systemProperties = System::getProperty;
  private Function<String, String> environment = System::getenv;
  private PrintStream stderr;

  // Set by start(), read by append() on any thread.
  private volatile ArrayBlockingQueue<ILoggingEvent> queue;
  private volatile long maxBlockNanos = DEFAULT_MAX_BLOCK.toNanos();
  private volatile long flushIntervalNanos = DEFAULT_FLUSH_INTERVAL.toNanos();
  private volatile int threshold;
  private volatile DropTally drops = DropTally.standalone();
  private Thread worker;

  /** An appender with the defaults, to configure with the setters before {@link #start()}. */
  public BoundedAsyncAppender() {}

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- configuration (logback.xml)

  /** Events the queue holds (at least 1; default 8192). */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public int getQueueSize() {
    return queueSize;
  }

  /**
   * TRACE, DEBUG and INFO events are dropped when fewer than this many slots are free, keeping the rest
   * of the queue for WARN and ERROR (0..queueSize; default 0: dropped only when the queue is full).
   */
  public void setDiscardingThreshold(int discardingThreshold) {
    this.discardingThreshold = discardingThreshold;
  }

  public int getDiscardingThreshold() {
    return discardingThreshold;
  }

  /**
   * Longest wait of a WARN or ERROR event for a free slot: {@code 100 ms}, {@code 250ms}, {@code 1 s},
   * {@code 100} (milliseconds) or ISO-8601 ({@code PT0.1S}); 0 drops at once. The setting
   * {@code englog.logging.max-block} / {@code ENGLOG_LOGGING_MAX_BLOCK} wins over this.
   */
  public void setMaxBlock(String maxBlock) {
    this.maxBlockSpec = maxBlock;
  }

  /** The wait bound in effect since the last start (the default before the first). */
  public Duration getMaxBlock() {
    return Duration.ofNanos(maxBlockNanos);
  }

  /**
   * Longest time a line written by the worker stays in the buffer of an attached appender with {@code
   * immediateFlush} false before the worker flushes it (same syntax as {@link #setMaxBlock}; [0, 1
   * minute]; 0 flushes after each batch; default 1 s). The setting {@code englog.logging.flush-interval}
   * / {@code ENGLOG_LOGGING_FLUSH_INTERVAL} wins over this.
   */
  public void setFlushInterval(String flushInterval) {
    this.flushIntervalSpec = flushInterval;
  }

  /** The flush interval in effect since the last start (the default before the first). */
  public Duration getFlushInterval() {
    return Duration.ofNanos(flushIntervalNanos);
  }

  /** Milliseconds the worker gets at {@link #stop()} to write what is queued (logback's name and unit). */
  public void setMaxFlushTime(int millis) {
    this.maxFlushTime = Duration.ofMillis(Math.max(0, millis));
  }

  public int getMaxFlushTime() {
    return (int) Math.min(Integer.MAX_VALUE, maxFlushTime.toMillis());
  }

  /** Computes caller data on the logging thread before queueing (costly; default false). */
  public void setIncludeCallerData(boolean includeCallerData) {
    this.includeCallerData = includeCallerData;
  }

  public boolean isIncludeCallerData() {
    return includeCallerData;
  }

  /** Events now in the queue. */
  public int queuedEvents() {
    ArrayBlockingQueue<ILoggingEvent> q = queue;
    return q == null ? 0 : q.size();
  }

  /** The counts this appender adds to: those of its logback context once started. */
  DropTally drops() {
    return drops;
  }

  /** Where system properties and environment variables are read from (tests). */
  void lookups(Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** Where the shutdown report goes (tests); standard error by default, read when it is written. */
  void reportTo(PrintStream stream) {
    this.stderr = stream;
  }

  // ---------------------------------------------------------------- life cycle

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (!appenders.iteratorForAppenders().hasNext()) {
      addError("BoundedAsyncAppender " + name + " has no appender to write to: add an <appender-ref>");
      return;
    }
    int size = queueSize;
    if (size < 1) {
      addError("queueSize must be at least 1, got " + size + "; using " + DEFAULT_QUEUE_SIZE);
      size = DEFAULT_QUEUE_SIZE;
    }
    int t = discardingThreshold;
    if (t < 0 || t > size) {
      addError("discardingThreshold must be in [0, " + size + "], got " + t + "; using 0");
      t = 0;
    }
    maxBlockNanos = resolveDuration(MAX_BLOCK_SETTING, maxBlockSpec, "<maxBlock>", DEFAULT_MAX_BLOCK).toNanos();
    flushIntervalNanos = resolveDuration(FLUSH_INTERVAL_SETTING, flushIntervalSpec, "<flushInterval>",
        DEFAULT_FLUSH_INTERVAL).toNanos();
    threshold = t;
    drops = getContext() instanceof LoggerContext ? DropTally.of(getContext()) : DropTally.standalone();
    ArrayBlockingQueue<ILoggingEvent> q = new ArrayBlockingQueue<>(size);
    queue = q;
    Thread w = new Thread(() -> drain(q), "englog-async-" + (name == null ? "appender" : name));
    w.setDaemon(true);
    worker = w;
    super.start();
    w.start();
  }

  /** A duration setting: the setting wins over the configuration's {@code spec}; out of range, the default. */
  private Duration resolveDuration(String setting, String spec, String element, Duration fallback) {
    Settings settings = Settings.of(MODULE, systemProperties, environment);
    String value = settings.get(setting, spec, null);
    if (value == null) {
      return fallback;
    }
    Duration d = parseDuration(value);
    if (d == null || d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
      String origin = settings.origin(setting);
      String name = element.substring(1, element.length() - 1);
      addError(name + " (" + (origin != null ? origin : element) + ") must be a duration in "
          + "[0, 1 minute] such as 100 ms, got '" + value + "'; using " + fallback.toMillis() + " ms");
      return fallback;
    }
    return d;
  }

  /** {@code 100}, {@code 100ms}, {@code 100 milliseconds}, {@code 2 s}, {@code 1 minute}, {@code PT0.1S}; null if not. */
  static Duration parseDuration(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("pt")) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    double amount;
    try {
      amount = Double.parseDouble(s.substring(0, i));
    } catch (NumberFormatException e) {
      return null;
    }
    double nanosPerUnit;
    switch (s.substring(i).trim()) {
      case "":
      case "ms":
      case "millis":
      case "millisecond":
      case "milliseconds":
        nanosPerUnit = 1e6;
        break;
      case "s":
      case "second":
      case "seconds":
        nanosPerUnit = 1e9;
        break;
      case "min":
      case "minute":
      case "minutes":
        nanosPerUnit = 60e9;
        break;
      default:
        return null;
    }
    double nanos = amount * nanosPerUnit;
    return nanos > Long.MAX_VALUE ? null : Duration.ofNanos((long) nanos);
  }

  /**
   * Stops taking events and lets the worker write what is queued, for at most {@code maxFlushTime};
   * what is still queued then is counted as dropped and reported on one line on standard error. The
   * attached appenders are stopped by the worker once it has written the queue.
   */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop(); // from here append() takes nothing more (and takes back what raced in)
    ArrayBlockingQueue<ILoggingEvent> q = queue;
    Thread w = worker;
    long deadline = System.nanoTime() + maxFlushTime.toNanos();
    boolean interrupted = false;
    boolean stopQueued = false;
    try {
      stopQueued = q.offer(STOP, maxFlushTime.toNanos(), TimeUnit.NANOSECONDS);
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(w, left);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (w.isAlive()) {
      int[] lost = new int[DropTally.LEVELS];
      int total = 0;
      List<ILoggingEvent> left = new ArrayList<>();
      q.drainTo(left);
      for (ILoggingEvent e : left) {
        if (e != STOP) {
          int index = DropTally.index(e.getLevel());
          lost[index]++;
          drops.increment(index);
          total++;
        }
      }
      // The worker ends when the write it is stuck in returns.
      q.offer(STOP);
      if (total > 0) {
        report(total, lost);
      }
    } else if (!stopQueued) {
      q.offer(STOP);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void report(int total, int[] lost) {
    String line = "englog-logging: appender " + name + " dropped " + total + " log event"
        + (total == 1 ? "" : "s") + " still queued after maxFlushTime " + maxFlushTime.toMillis()
        + " ms (ERROR " + lost[DropTally.ERROR] + ", WARN " + lost[DropTally.WARN] + ", INFO "
        + lost[DropTally.INFO] + ", DEBUG " + lost[DropTally.DEBUG] + ", TRACE " + lost[DropTally.TRACE]
        + "); counted in englog_logging_events_dropped_total";
    addWarn(line);
    PrintStream out = stderr != null ? stderr : System.err;
    out.println(line);
    out.flush();
  }

  // ---------------------------------------------------------------- hot path

  @Override
  protected void append(ILoggingEvent event) {
    ArrayBlockingQueue<ILoggingEvent> q = queue;
    Level level = event.getLevel();
    boolean mayWait = level != null && level.levelInt >= Level.WARN_INT;
    if (!mayWait && threshold > 0 && q.remainingCapacity() < threshold) {
      drops.increment(DropTally.index(level));
      return;
    }
    event.prepareForDeferredProcessing();
    if (includeCallerData) {
      event.getCallerData();
    }
    boolean queued;
    if (mayWait) {
      try {
        queued = q.offer(event, maxBlockNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        // Interrupted while waiting: no more waiting, and the interrupt stays for the caller.
        Thread.currentThread().interrupt();
        queued = q.offer(event);
      }
    } else {
      queued = q.offer(event);
    }
    if (!queued) {
      drops.increment(DropTally.index(level));
    } else if (!started && q.remove(event)) {
      // stop() ran meanwhile and has counted what was queued: this one is ours to count.
      drops.increment(DropTally.index(level));
    }
  }

  private void drain(ArrayBlockingQueue<ILoggingEvent> q) {
    boolean buffered = hasBufferedTarget();
    long interval = flushIntervalNanos;
    boolean unflushed = false;
    long flushBy = 0;
    boolean wroteSincePause = false;
    try {
      while (true) {
        ILoggingEvent e = q.poll();
        if (e == null) {
          if (wroteSincePause) {
            // Busy: let the next events gather instead of being woken by each.
            wroteSincePause = false;
            LockSupport.parkNanos(this, PAUSE_NANOS);
            continue;
          }
          if (unflushed) {
            long wait = flushBy - System.nanoTime();
            e = wait > 0 ? q.poll(wait, TimeUnit.NANOSECONDS) : null;
            if (e == null) { // nothing came before the deadline
              flush();
              unflushed = false;
              continue;
            }
          } else {
            e = q.take();
          }
        }
        if (e == STOP) {
          break;
        }
        appenders.appendLoopOnAppenders(e);
        wroteSincePause = true;
        if (buffered) {
          long now = System.nanoTime();
          if (!unflushed) {
            unflushed = true;
            flushBy = now + interval;
          }
          if (now - flushBy >= 0) {
            flush();
            unflushed = false;
          }
        }
      }
      // Events that raced with stop() are counted by append() or stop(); nothing else is left.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      appenders.detachAndStopAllAppenders(); // stopping an appender flushes and closes its stream
    }
  }

  /** Whether an attached appender buffers lines until flushed ({@code immediateFlush} false). */
  private boolean hasBufferedTarget() {
    for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> a = it.next();
      if (a instanceof OutputStreamAppender && !((OutputStreamAppender<?>) a).isImmediateFlush()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Flushes the buffered appenders' streams. Only this worker writes to them (they are attached here),
   * so nothing is half-written; a failing stream reports through logback's status as for a write.
   */
  private void flush() {
    for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> a = it.next();
      if (a instanceof OutputStreamAppender && !((OutputStreamAppender<?>) a).isImmediateFlush()) {
        OutputStream out = ((OutputStreamAppender<?>) a).getOutputStream();
        if (out == null) {
          continue;
        }
        try {
          out.flush();
        } catch (IOException | RuntimeException e) {
          addWarn("could not flush appender " + a.getName(), e);
        }
      }
    }
  }

  // ---------------------------------------------------------------- AppenderAttachable

  @Override
  public void addAppender(Appender<ILoggingEvent> appender) {
    appenders.addAppender(appender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public @Nullable Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }

  /** Builds a {@link BoundedAsyncAppender} in code; obtained from {@link #builder()}. */
  public static final class Builder {
    private final List<Appender<ILoggingEvent>> targets = new ArrayList<>();
    private String name = "ENGLOG_ASYNC";
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int discardingThreshold;
    private Duration maxBlock;
    private Duration maxFlushTime = DEFAULT_MAX_FLUSH_TIME;
    private Duration flushInterval;

    private Builder() {}

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** @throws IllegalArgumentException unless at least 1 */
    public Builder queueSize(int queueSize) {
      if (queueSize < 1) {
        throw new IllegalArgumentException("queueSize must be at least 1, got " + queueSize);
      }
      this.queueSize = queueSize;
      return this;
    }

    /** @throws IllegalArgumentException if negative (checked against the queue size by {@link #build}) */
    public Builder discardingThreshold(int discardingThreshold) {
      if (discardingThreshold < 0) {
        throw new IllegalArgumentException("discardingThreshold must be at least 0, got " + discardingThreshold);
      }
      this.discardingThreshold = discardingThreshold;
      return this;
    }

    /** @throws IllegalArgumentException unless in [0, 1 minute] */
    public Builder maxBlock(Duration maxBlock) {
      Objects.requireNonNull(maxBlock, "maxBlock");
      if (maxBlock.isNegative() || maxBlock.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("maxBlock must be in [0, 1 minute], got " + maxBlock);
      }
      this.maxBlock = maxBlock;
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder maxFlushTime(Duration maxFlushTime) {
      Objects.requireNonNull(maxFlushTime, "maxFlushTime");
      if (maxFlushTime.isNegative() || maxFlushTime.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("maxFlushTime must be in [0, " + Integer.MAX_VALUE + " ms], got "
            + maxFlushTime);
      }
      this.maxFlushTime = maxFlushTime;
      return this;
    }

    /**
     * How long a line may stay in the buffer of an appender with {@code immediateFlush} false (default
     * 1 s; 0 flushes after each batch).
     *
     * @throws IllegalArgumentException unless in [0, 1 minute]
     */
    public Builder flushInterval(Duration flushInterval) {
      Objects.requireNonNull(flushInterval, "flushInterval");
      if (flushInterval.isNegative() || flushInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("flushInterval must be in [0, 1 minute], got " + flushInterval);
      }
      this.flushInterval = flushInterval;
      return this;
    }

    /** An appender to write to (started by the caller); at least one. */
    public Builder appender(Appender<ILoggingEvent> appender) {
      targets.add(Objects.requireNonNull(appender, "appender"));
      return this;
    }

    /**
     * The appender, not started: set its context, then {@code start()} it.
     *
     * @throws IllegalArgumentException without an appender, or if the threshold exceeds the queue size
     */
    public BoundedAsyncAppender build() {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("a BoundedAsyncAppender needs an appender to write to");
      }
      if (discardingThreshold > queueSize) {
        throw new IllegalArgumentException("discardingThreshold must be at most queueSize " + queueSize
            + ", got " + discardingThreshold);
      }
      BoundedAsyncAppender a = new BoundedAsyncAppender();
      a.setName(name);
      a.setQueueSize(queueSize);
      a.setDiscardingThreshold(discardingThreshold);
      if (maxBlock != null) {
        a.setMaxBlock(maxBlock.toString());
      }
      if (flushInterval != null) {
        a.setFlushInterval(flushInterval.toString());
      }
      a.maxFlushTime = maxFlushTime;
      targets.forEach(a::addAppender);
      return a;
    }
  }
}
