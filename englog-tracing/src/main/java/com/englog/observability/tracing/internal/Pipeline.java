package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OpenTelemetry a {@code Tracing} uses and what it owns of it: an SDK we built (flushed and shut
 * down on close), or someone else's (the agent's, the application's) that we leave alone.
 *
 * <p>Not public API.
 */
public final class Pipeline {

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk ownedSdk;
  private final SafePropagator propagator;
  private final ExportStats stats;
  private final String description;
  private final Tracing.Mode mode;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Thread shutdownHook;

  public Pipeline(Tracing.Mode mode, OpenTelemetry openTelemetry, OpenTelemetrySdk ownedSdk,
      SafePropagator propagator, ExportStats stats, String description) {
    this.mode = mode;
    this.openTelemetry = openTelemetry;
    this.ownedSdk = ownedSdk;
    this.propagator = propagator;
    this.stats = stats;
    this.description = description;
  }

  public Tracing.Mode mode() {
    return mode;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public SafePropagator propagator() {
    return propagator;
  }

  public ExportStats stats() {
    return stats;
  }

  public String description() {
    return description;
  }

  public boolean ownsSdk() {
    return ownedSdk != null;
  }

  /** Exports what is queued; true if that finished in time and succeeded. */
  public boolean forceFlush(Duration timeout) {
    if (ownedSdk == null) {
      return true;
    }
    CompletableResultCode result = ownedSdk.getSdkTracerProvider().forceFlush();
    return result.join(timeout.toNanos(), TimeUnit.NANOSECONDS).isSuccess();
  }

  /** Has the JVM shut the owned SDK down on exit unless {@link #close} did first; nothing otherwise. */
  public void shutdownOnExit(Duration timeout) {
    if (ownedSdk != null) {
      Thread hook = new Thread(() -> shutdown(timeout), "englog-tracing-shutdown");
      shutdownHook = hook;
      Runtime.getRuntime().addShutdownHook(hook);
    }
  }

  /** {@link #shutdown} once, without the exit hook; true when already closed. */
  public boolean close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return true;
    }
    Thread hook = shutdownHook;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook runs anyway.
      }
    }
    return shutdown(timeout);
  }

  /** Flushes and stops the owned SDK; true if that finished in time and succeeded. */
  public boolean shutdown(Duration timeout) {
    if (ownedSdk == null) {
      return true;
    }
    CompletableResultCode result = ownedSdk.shutdown();
    return result.join(timeout.toNanos(), TimeUnit.NANOSECONDS).isSuccess();
  }
}
