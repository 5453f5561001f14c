package com.englog.observability.logging.internal;

import ch.qos.logback.classic.Level;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running counts of log events an asynchronous appender did not deliver, per level, shared by every
 * appender of one logback context. Indexed by the ordinal of SLF4J's {@code org.slf4j.event.Level}
 * (ERROR, WARN, INFO, DEBUG, TRACE). Kept outside the context's object map because
 * {@code LoggerContext.reset()} clears that map and a metric bound to these counters must keep counting
 * across reconfigurations.
 */
public final class DropTally {

  public static final int ERROR = 0;
  public static final int WARN = 1;
  public static final int INFO = 2;
  public static final int DEBUG = 3;
  public static final int TRACE = 4;
  public static final int LEVELS = 5;

  private static final Map<Object, DropTally> BY_CONTEXT = new WeakHashMap<>();

  private final LongAdder[] counts = new LongAdder[LEVELS];

  private DropTally() {
    for (int i = 0; i < LEVELS; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** The tally of {@code context}, created on first use; weakly held so contexts can be collected. */
  public static DropTally of(Object context) {
    Objects.requireNonNull(context, "context");
    synchronized (BY_CONTEXT) {
      return BY_CONTEXT.computeIfAbsent(context, c -> new DropTally());
    }
  }

  /** A tally not tied to a logback context (an appender used on its own). */
  public static DropTally standalone() {
    return new DropTally();
  }

  /** The index of a logback level; levels between the standard ones count with the one below them. */
  public static int index(Level level) {
    int v = level == null ? Level.INFO_INT : level.levelInt;
    if (v >= Level.ERROR_INT) {
      return ERROR;
    } else if (v >= Level.WARN_INT) {
      return WARN;
    } else if (v >= Level.INFO_INT) {
      return INFO;
    } else if (v >= Level.DEBUG_INT) {
      return DEBUG;
    }
    return TRACE;
  }

  public void increment(int index) {
    counts[index].increment();
  }

  public void add(int index, long n) {
    counts[index].add(n);
  }

  public long count(int index) {
    return counts[index].sum();
  }
}
