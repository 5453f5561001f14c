package com.englog.observability.logging.internal;

import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running redaction counts per kind, shared by every encoder of one logback context. Kept outside the
 * context's object map because {@code LoggerContext.reset()} (reconfiguration) clears that map, and a
 * metric registered on these counters must keep counting across reconfigurations.
 */
public final class RedactionTally {

  /** Receives each event's non-zero counts; see the public listener type for the contract. */
  public interface Sink {
    void onRedaction(int kind, int count);
  }

  private static final Map<Object, RedactionTally> BY_CONTEXT = new WeakHashMap<>();

  private final LongAdder[] counts = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final CopyOnWriteArrayList<Sink> sinks = new CopyOnWriteArrayList<>();
  private final LongAdder sinkFailures = new LongAdder();

  /** The tally of {@code context}, created on first use; weakly held so contexts can be collected. */
  public static RedactionTally of(Object context) {
    Objects.requireNonNull(context, "context");
    synchronized (BY_CONTEXT) {
      return BY_CONTEXT.computeIfAbsent(context, c -> new RedactionTally());
    }
  }

  /** A tally not tied to a logback context (an encoder used on its own). */
  public static RedactionTally standalone() {
    return new RedactionTally();
  }

  public long count(int kind) {
    return counts[kind].sum();
  }

  public void addSink(Sink sink) {
    sinks.addIfAbsent(Objects.requireNonNull(sink, "listener"));
  }

  public void removeSink(Sink sink) {
    sinks.remove(sink);
  }

  public long sinkFailures() {
    return sinkFailures.sum();
  }

  /** Adds one event's counts and tells the listeners; a throwing listener is counted, not propagated. */
  public void record(int[] perKind) {
    for (int kind = 0; kind < perKind.length; kind++) {
      int n = perKind[kind];
      if (n == 0) {
        continue;
      }
      counts[kind].add(n);
      for (Sink sink : sinks) {
        try {
          sink.onRedaction(kind, n);
        } catch (RuntimeException e) {
          sinkFailures.increment();
        }
      }
    }
  }
}
