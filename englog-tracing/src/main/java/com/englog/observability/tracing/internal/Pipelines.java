package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;

/**
 * Picks the OpenTelemetry a {@code Tracing} runs on, one of its five modes: an SDK of its own
 * ({@link SdkBootstrap}), the attached Java agent's, one the application passed in, propagation only
 * when the SDK is disabled, or a no-op.
 *
 * <p>Not public API.
 */
public final class Pipelines {

  private static final System.Logger LOG = System.getLogger(Pipelines.class.getName());

  private Pipelines() {}

  /** {@link Tracing.Mode#NOOP}: nothing recorded, W3C trace context and baggage passed through. */
  public static Pipeline noop() {
    SafePropagator propagator = new SafePropagator(TextMapPropagator.composite(
        W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));
    return new Pipeline(Tracing.Mode.NOOP, OpenTelemetry.propagating(ContextPropagators.create(propagator)), null,
        propagator, new ExportStats(), "no-op");
  }

  /** {@link Tracing.Mode#EXTERNAL}: the application's OpenTelemetry, left running at close. */
  public static Pipeline external(OpenTelemetry openTelemetry) {
    return borrowed(Tracing.Mode.EXTERNAL, openTelemetry, "external OpenTelemetry");
  }

  /** {@link Tracing.Mode#AGENT}: the attached Java agent's SDK. */
  public static Pipeline agent() {
    return borrowed(Tracing.Mode.AGENT, GlobalOpenTelemetry.get(), "OpenTelemetry Java agent");
  }

  /**
   * The agent's SDK when the agent is attached, else a new SDK (or propagation only, when {@code
   * otel.sdk.disabled=true}), made {@code GlobalOpenTelemetry} on request.
   */
  public static Pipeline start(Map<String, String> code, SpanExporter codeExporter, ConfigLayers layers,
      AgentDetector agentDetector, boolean registerGlobal, Duration shutdownTimeout) {
    if (agentDetector.agentActive(layers)) {
      LOG.log(Level.INFO, "OpenTelemetry Java agent detected: EngLog tracing reuses its SDK; exporter,"
          + " sampler and resource settings come from the agent's OTEL_* configuration");
      return agent();
    }
    Pipeline pipeline = SdkBootstrap.build(code, codeExporter, layers);
    if (pipeline.mode() == Tracing.Mode.DISABLED) {
      LOG.log(Level.INFO, "EngLog tracing disabled by otel.sdk.disabled / OTEL_SDK_DISABLED");
      return pipeline;
    }
    if (registerGlobal) {
      try {
        GlobalOpenTelemetry.set(pipeline.openTelemetry());
      } catch (IllegalStateException e) {
        pipeline.shutdown(shutdownTimeout);
        throw new IllegalStateException("registerGlobal(true), but GlobalOpenTelemetry is already set in "
            + "this JVM; register only one Tracing (the application's), or build with registerGlobal(false)", e);
      }
    }
    LOG.log(Level.INFO, "EngLog tracing started: " + pipeline.description());
    return pipeline;
  }

  private static Pipeline borrowed(Tracing.Mode mode, OpenTelemetry openTelemetry, String description) {
    SafePropagator propagator = new SafePropagator(openTelemetry.getPropagators().getTextMapPropagator());
    return new Pipeline(mode, openTelemetry, null, propagator, new ExportStats(), description);
  }
}
