package com.englog.observability.logging;

import ch.qos.logback.classic.LoggerContext;
import com.englog.observability.logging.internal.RedactionTally;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Running totals of what the {@link JsonEncoder}s of one logback context redacted, by
 * {@link RedactionKind}, for the security metric {@code englog_security_redactions_total{kind}}.
 * Totals survive logback reconfiguration. Typed with JDK types, so that the module composing logging and
 * metrics publishes them with {@code EnglogMetrics.bindRedactionCount(String, LongSupplier)}:
 *
 * <pre>{@code
 * RedactionCounts counts = RedactionCounts.of(loggerContext);
 * for (RedactionKind kind : RedactionKind.values()) {
 *   metrics.bindRedactionCount(kind.label(), counts.counter(kind));
 * }
 * }</pre>
 */
public final class RedactionCounts {

  private final RedactionTally tally;

  RedactionCounts(RedactionTally tally) {
    this.tally = tally;
  }

  /** The counts of every {@link JsonEncoder} started in {@code context}. */
  public static RedactionCounts of(LoggerContext context) {
    return new RedactionCounts(RedactionTally.of(Objects.requireNonNull(context, "context")));
  }

  /**
   * The counts of SLF4J's logback context, for applications; libraries should take a
   * {@link LoggerContext} or a {@code RedactionCounts}.
   *
   * @throws IllegalStateException if SLF4J is not bound to logback
   */
  public static RedactionCounts ofDefaultContext() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName()
          + ", not to logback; redaction counts exist only for logback's JsonEncoder");
    }
    return of((LoggerContext) factory);
  }

  /** Redactions of {@code kind} so far. */
  public long count(RedactionKind kind) {
    return tally.count(Objects.requireNonNull(kind, "kind").ordinal());
  }

  /** A live, monotonic reading of {@link #count(RedactionKind)}, e.g. for a function counter. */
  public LongSupplier counter(RedactionKind kind) {
    int index = Objects.requireNonNull(kind, "kind").ordinal();
    return () -> tally.count(index);
  }

  /** Adds a listener (once; adding it again has no effect). See {@link RedactionListener} for its rules. */
  public void addListener(RedactionListener listener) {
    tally.addSink(new ListenerSink(Objects.requireNonNull(listener, "listener")));
  }

  public void removeListener(RedactionListener listener) {
    tally.removeSink(new ListenerSink(listener));
  }

  /** Listener calls that threw (and were ignored). */
  public long listenerFailures() {
    return tally.sinkFailures();
  }

  private static final class ListenerSink implements RedactionTally.Sink {
    private static final RedactionKind[] KINDS = RedactionKind.values();
    private final RedactionListener listener;

    ListenerSink(RedactionListener listener) {
      this.listener = listener;
    }

    @Override
    public void onRedaction(int kind, int count) {
      listener.onRedaction(KINDS[kind], count);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ListenerSink && ((ListenerSink) o).listener == listener;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(listener);
    }
  }
}
