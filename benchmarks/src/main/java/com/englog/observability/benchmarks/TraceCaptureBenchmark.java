package com.englog.observability.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.englog.observability.logging.JsonEncoder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * What EngLog's trace capture costs the logging thread. It is a logback turbo filter, so it runs on
 * every logging call, enabled or not: a disabled {@code debug()} with and without it; an enabled call
 * in a span whose ids are already in the MDC (the common case: many lines per span); and the first call
 * after the current span changed (one MDC write), against the span switch alone. Sibling methods, one
 * run; compare {@code gc.alloc.rate.norm} too.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(3)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class TraceCaptureBenchmark {

  private LoggerContext plainContext;
  private LoggerContext capturingContext;
  private Logger plainLogger;
  private Logger capturingLogger;
  private Context spanA;
  private Context spanB;
  private Scope scope;
  private boolean flip;

  private static Context spanContext(String traceId, String spanId) {
    SpanContext sc = SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    return Context.root().with(Span.wrap(sc));
  }

  @Setup
  public void setUp() {
    plainContext = new LoggerContext();
    plainContext.setMDCAdapter(MDC.getMDCAdapter());
    plainLogger = plainContext.getLogger("app");
    plainLogger.setLevel(Level.INFO);

    capturingContext = new LoggerContext();
    capturingContext.setMDCAdapter(MDC.getMDCAdapter());
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(capturingContext);
    encoder.start(); // installs the capture filter
    capturingLogger = capturingContext.getLogger("app");
    capturingLogger.setLevel(Level.INFO);
    // No appender: the measured cost is the call up to the appenders, filter included.

    spanA = spanContext("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
    spanB = spanContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    scope = spanA.makeCurrent();
  }

  @TearDown
  public void tearDown() {
    scope.close();
    MDC.clear();
    plainContext.stop();
    capturingContext.stop();
  }

  @Benchmark
  public void disabledDebugWithoutCapture() {
    plainLogger.debug("journal {} loaded", "j-1");
  }

  @Benchmark
  public void disabledDebugWithCapture() {
    capturingLogger.debug("journal {} loaded", "j-1");
  }

  @Benchmark
  public void enabledInfoWithoutCapture() {
    plainLogger.info("journal {} saved", "j-1");
  }

  @Benchmark
  public void enabledInfoWithCaptureSameSpan() {
    capturingLogger.info("journal {} saved", "j-1");
  }

  @Benchmark
  public void spanSwitchOnly() {
    scope.close();
    flip = !flip;
    scope = (flip ? spanB : spanA).makeCurrent();
  }

  @Benchmark
  public void spanSwitchThenInfoWithCapture() {
    scope.close();
    flip = !flip;
    scope = (flip ? spanB : spanA).makeCurrent();
    capturingLogger.info("journal {} saved", "j-1");
  }
}
