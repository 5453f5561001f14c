package com.englog.observability.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stalls of the machine, as a thread that asks to wake every millisecond sees them (jHiccup's
 * method): time this JVM's runnable threads waited for a CPU, or for a pause of the JVM. A probe
 * is not charged with the stalls during it: a 2-core CI machine running other builds can stop all
 * threads of the test for longer than the 100 ms of the bound, which says nothing of the server.
 * Waiting that the server itself causes (a thread blocked behind a check or a stalled client) is no
 * stall: this thread keeps running meanwhile.
 */
public final class Hiccups implements AutoCloseable {
  private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long NOISE = TimeUnit.MILLISECONDS.toNanos(2);
  /** {start, end} of each stall. */
  private final List<long[]> stalls = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile boolean running = true;

  /** Starts watching, on a daemon thread, until {@link #close()}. */
  public Hiccups() {
    thread = new Thread(() -> {
      while (running) {
        long before = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(PERIOD);
        long after = System.nanoTime();
        if (after - before - PERIOD > NOISE) {
          stalls.add(new long[] {before + PERIOD, after});
        }
      }
    }, "hiccups");
    thread.setDaemon(true);
    thread.start();
  }

  /** Nanoseconds of stalls within {@code [from, to]}. */
  public long within(long from, long to) {
    long total = 0;
    synchronized (stalls) {
      for (long[] stall : stalls) {
        total += Math.max(0, Math.min(to, stall[1]) - Math.max(from, stall[0]));
      }
    }
    return total;
  }

  @Override
  public void close() {
    running = false;
  }

  @Override
  public String toString() {
    long total = within(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2) / 1_000_000;
    return stalls.size() + " (" + total + " ms in all)";
  }
}
