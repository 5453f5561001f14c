package com.englog.observability.logging.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.spi.ContextAware;

/**
 * An encoder's registration with the trace-capturing turbo filter of its logback context: installs
 * the filter when the encoder starts, registers again when the context was reset or the filter moved,
 * and unregisters when the encoder stops. What happens is reported through the encoder's status.
 * Thread-safe.
 */
public final class CaptureRegistration {

  private final ContextAware encoder;
  /** The capture the encoder registered with, and the registration's generation. */
  private volatile TraceContextCapture capture;
  private volatile int generation;

  public CaptureRegistration(ContextAware encoder) {
    this.encoder = encoder;
  }

  /** Installs the capture in {@code context} and registers, or says why trace ids cannot be captured. */
  public void install(Context context) {
    if (!(context instanceof LoggerContext)) {
      encoder.addWarn("JsonEncoder: trace ids are captured only in a logback LoggerContext; this encoder's"
          + " context is " + (context == null ? "not set" : context.getClass().getName()));
      return;
    }
    if (!openTelemetryApiPresent()) {
      encoder.addWarn(
          "JsonEncoder: io.opentelemetry:opentelemetry-api is not on the class path; lines carry no trace ids");
      return;
    }
    TraceContextCapture c = TraceContextCapture.install((LoggerContext) context);
    generation = c.register(encoder);
    capture = c;
  }

  /** Ends the registration, if any. */
  public void unregister() {
    TraceContextCapture c = capture;
    capture = null;
    if (c != null) {
      c.unregister(encoder);
    }
  }

  /** Before each event: cheap while the registration is current, else registers again. */
  public void ensureCurrent() {
    TraceContextCapture c = capture;
    if (c != null && !c.isCurrent(generation)) {
      recapture();
    }
  }

  /**
   * The context was reset (reconfiguration) or stopped while the encoder stayed in use, or a turbo
   * filter was put before the capture: register again, so the next events carry ids again.
   */
  private synchronized void recapture() {
    TraceContextCapture c = capture;
    Context context = encoder.getContext();
    if (c != null && !c.isCurrent(generation) && context instanceof LoggerContext) {
      TraceContextCapture now = TraceContextCapture.install((LoggerContext) context);
      generation = now.register(encoder);
      capture = now;
      encoder.addInfo("JsonEncoder: trace capture registered again after a reset of its logback context");
    }
  }

  private static boolean openTelemetryApiPresent() {
    try {
      Class.forName("io.opentelemetry.api.trace.Span", false, CaptureRegistration.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
