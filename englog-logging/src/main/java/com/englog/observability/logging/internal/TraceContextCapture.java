package com.englog.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
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
 */
public final class TraceContextCapture extends TurboFilter {

  /** The reserved MDC key: {@code <32 hex trace id>-<16 hex span id>-<2 hex flags>}. */
  public static final String MDC_KEY = "englog.trace";
  static final int VALUE_LENGTH = 32 + 1 + 16 + 1 + 2;

  private static final Object INSTALL_LOCK = new Object();

  /** Installs the filter first in the context's turbo filter list, once. Returns true if it is there. */
  public static boolean install(LoggerContext context) {
    synchronized (INSTALL_LOCK) {
      for (TurboFilter f : context.getTurboFilterList()) {
        if (f instanceof TraceContextCapture) {
          return true;
        }
      }
      TraceContextCapture filter = new TraceContextCapture();
      filter.setName("englog-trace-context-capture");
      filter.setContext(context);
      filter.start();
      // First, so that a filter answering ACCEPT before us cannot skip the capture.
      context.getTurboFilterList().add(0, filter);
      return true;
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

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    if (logger == null) {
      return FilterReply.NEUTRAL;
    }
    LoggerContext context = logger.getLoggerContext();
    // A disabled call needs no capture, unless another turbo filter may still ACCEPT it.
    if (level != null && context.getTurboFilterList().size() == 1
        && level.levelInt < logger.getEffectiveLevel().levelInt) {
      return FilterReply.NEUTRAL;
    }
    try {
      capture(context.getMDCAdapter());
    } catch (RuntimeException | LinkageError e) {
      // Logging must go on without trace ids rather than fail.
      failures.increment();
    }
    return FilterReply.NEUTRAL;
  }

  private final LongAdder failures = new LongAdder();

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
}
