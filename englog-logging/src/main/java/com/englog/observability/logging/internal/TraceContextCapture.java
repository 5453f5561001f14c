package com.englog.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.TurboFilterList;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.spi.SequenceNumberGenerator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Marker;
import org.slf4j.spi.MDCAdapter;

/**
 * Captures the current OpenTelemetry span on the thread that logs, before logback builds the event.
 *
 * <p>A turbo filter is the one logback hook that runs on the calling thread for every logging call of
 * every logger, before any appender. It writes the span's ids into one reserved MDC entry, only when
 * they changed; logback copies the MDC into the event on the calling thread (directly for a
 * synchronous appender, in {@code prepareForDeferredProcessing()} for {@code AsyncAppender}), so the
 * encoder finds the ids even when it runs later on a worker thread. The entry is reconciled with the
 * current context on every call, so a value left over from an earlier task on a pooled thread is never
 * used. Always answers NEUTRAL: it never changes what is logged.
 *
 * <p>One instance per logback context, which outlives reconfiguration: {@code LoggerContext.reset()}
 * (a {@code JoranConfigurator} reload, {@code scan="true"}) clears the turbo filters, and this filter,
 * also a reset-resistant context listener, puts itself back. It writes the entry only while a capturing
 * encoder of the current configuration is registered; otherwise it removes entries left on the threads
 * that log, so that no earlier id is ever read, by an encoder or by another layout. An encoder that
 * outlives a reset registers again when it next encodes.
 *
 * <p>SLF4J 2's fluent API asks the turbo filters at {@code atInfo()}, not at {@code log()}, where the
 * event is made; the span may have changed in between. So the capture also runs when logback makes an
 * event, through the context's sequence number generator, the one context-wide hook logback calls
 * on the logging thread for every event it builds: it wraps the generator already set (if any), whose
 * numbers events keep.
 */
public final class TraceContextCapture extends TurboFilter implements LoggerContextListener {

  /** The reserved MDC key: {@code <32 hex trace id>-<16 hex span id>-<2 hex flags>}. */
  public static final String MDC_KEY = "englog.trace";
  static final int VALUE_LENGTH = 32 + 1 + 16 + 1 + 2;

  private static final Object INSTALL_LOCK = new Object();

  private final LoggerContext loggerContext;
  /** Encoders of the current configuration that want the capture; cleared when the context resets. */
  private final Set<Object> encoders = ConcurrentHashMap.newKeySet();
  private volatile boolean writing;
  /** Changes when the context resets or stops: registrations from before are void. */
  private volatile int generation;
  private final LongAdder failures = new LongAdder();
  private final Sequence sequence;

  private TraceContextCapture(LoggerContext context) {
    this.loggerContext = context;
    setName("englog-trace-context-capture");
    setContext(context);
    this.sequence = new Sequence(context);
  }

  /** Runs the capture when logback makes an event, then answers as the generator it wraps would. */
  private final class Sequence extends ContextAwareBase implements SequenceNumberGenerator {
    volatile SequenceNumberGenerator delegate;

    Sequence(LoggerContext context) {
      super(TraceContextCapture.this);
      setContext(context);
    }

    @Override
    public long nextSequenceNumber() {
      reconcile();
      SequenceNumberGenerator d = delegate;
      return d == null ? 0 : d.nextSequenceNumber();
    }
  }

  /** Called with INSTALL_LOCK held: makes {@link #sequence} the context's generator, wrapping another. */
  private void hookEventCreation() {
    SequenceNumberGenerator current = loggerContext.getSequenceNumberGenerator();
    if (current != sequence) {
      sequence.delegate = current;
      loggerContext.setSequenceNumberGenerator(sequence);
    }
  }

  /**
   * The capture of {@code context}, installed first in its turbo filter list (once per context) and
   * registered as a context listener, so that it survives reconfiguration.
   */
  public static TraceContextCapture install(LoggerContext context) {
    synchronized (INSTALL_LOCK) {
      for (TurboFilter f : context.getTurboFilterList()) {
        if (f instanceof TraceContextCapture) {
          TraceContextCapture capture = (TraceContextCapture) f;
          capture.moveToFront();
          capture.hookEventCreation();
          return capture;
        }
      }
      TraceContextCapture filter = new TraceContextCapture(context);
      context.addListener(filter);
      filter.addToFilters();
      return filter;
    }
  }

  public static boolean isInstalled(LoggerContext context) {
    for (TurboFilter f : context.getTurboFilterList()) {
      if (f instanceof TraceContextCapture) {
        return true;
      }
    }
    return false;
  }

  /** Called with INSTALL_LOCK held. */
  private void addToFilters() {
    start();
    // First, so that a filter answering ACCEPT before it cannot skip the capture.
    loggerContext.getTurboFilterList().add(0, this);
    hookEventCreation();
  }

  /**
   * Puts the filter back in first place if something was inserted before it: a filter that answers
   * before it (ACCEPT) would let events through without a capture, with whatever entry an earlier call
   * left on the thread.
   */
  private void moveToFront() {
    synchronized (INSTALL_LOCK) {
      TurboFilterList filters = loggerContext.getTurboFilterList();
      if (!filters.isEmpty() && filters.get(0) != this && filters.remove(this)) {
        filters.add(0, this);
      }
    }
  }

  /**
   * Registers an encoder that wants the capture; returns the generation to hand back to
   * {@link #isCurrent}. The entry is written from now on.
   */
  public synchronized int register(Object encoder) {
    encoders.add(encoder);
    writing = true;
    return generation;
  }

  public synchronized void unregister(Object encoder) {
    encoders.remove(encoder);
    writing = !encoders.isEmpty();
  }

  /**
   * For an encoder on every event: false if its registration is void (the context was reset or
   * stopped), the filter lost its first place or another sequence number generator replaced the hook;
   * the encoder then calls {@link #install} and {@link #register} again.
   */
  public boolean isCurrent(int registeredGeneration) {
    if (generation != registeredGeneration || loggerContext.getSequenceNumberGenerator() != sequence) {
      return false;
    }
    TurboFilterList filters = loggerContext.getTurboFilterList();
    return !filters.isEmpty() && filters.get(0) == this;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    if (logger == null) {
      return FilterReply.NEUTRAL;
    }
    // A disabled call needs no capture, unless another turbo filter may still ACCEPT it.
    if (level != null && loggerContext.getTurboFilterList().size() == 1
        && level.levelInt < logger.getEffectiveLevel().levelInt) {
      return FilterReply.NEUTRAL;
    }
    reconcile();
    return FilterReply.NEUTRAL;
  }

  /** Makes the entry match this thread's span (or removes it when no encoder wants it); never throws. */
  private void reconcile() {
    try {
      MDCAdapter mdc = loggerContext.getMDCAdapter();
      if (writing) {
        capture(mdc);
      } else if (mdc != null && mdc.get(MDC_KEY) != null) {
        mdc.remove(MDC_KEY);
      }
    } catch (RuntimeException | LinkageError e) {
      // Logging must go on without trace ids rather than fail.
      failures.increment();
    }
  }

  /** Calls that could not capture (an MDC adapter or context storage that threw). */
  public long failures() {
    return failures.sum();
  }

  /** Makes the reserved MDC entry match the current span of this thread. */
  public static void capture(MDCAdapter mdc) {
    if (mdc == null) {
      return;
    }
    SpanContext span = Span.current().getSpanContext();
    String current = mdc.get(MDC_KEY);
    if (!span.isValid()) {
      if (current != null) {
        mdc.remove(MDC_KEY);
      }
      return;
    }
    String traceId = span.getTraceId();
    String spanId = span.getSpanId();
    String flags = span.getTraceFlags().asHex();
    if (current != null && current.length() == VALUE_LENGTH
        && current.regionMatches(33, spanId, 0, 16)
        && current.regionMatches(0, traceId, 0, 32)
        && current.regionMatches(50, flags, 0, 2)) {
      return;
    }
    mdc.put(MDC_KEY, traceId + '-' + spanId + '-' + flags);
  }

  /** True if {@code v} has the shape this filter writes (lower-case hex parts, dashes). */
  public static boolean isWellFormed(String v) {
    if (v == null || v.length() != VALUE_LENGTH || v.charAt(32) != '-' || v.charAt(49) != '-') {
      return false;
    }
    for (int i = 0; i < VALUE_LENGTH; i++) {
      if (i == 32 || i == 49) {
        continue;
      }
      char c = v.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- LoggerContextListener

  @Override
  public boolean isResetResistant() {
    return true;
  }

  @Override
  public void onStart(LoggerContext context) {}

  /** The context cleared its turbo filters: back in, but silent until an encoder registers again. */
  @Override
  public void onReset(LoggerContext context) {
    forgetRegistrations();
    synchronized (INSTALL_LOCK) {
      if (!loggerContext.getTurboFilterList().contains(this)) {
        addToFilters();
      }
    }
  }

  @Override
  public void onStop(LoggerContext context) {
    forgetRegistrations();
    synchronized (INSTALL_LOCK) {
      loggerContext.getTurboFilterList().remove(this);
      if (loggerContext.getSequenceNumberGenerator() == sequence) {
        loggerContext.setSequenceNumberGenerator(sequence.delegate);
      }
      stop();
    }
  }

  @Override
  public void onLevelChange(Logger logger, Level level) {}

  /** The encoders of the configuration before a reset are gone or will register again. */
  private synchronized void forgetRegistrations() {
    encoders.clear();
    writing = false;
    generation++;
  }
}
