package com.englog.observability.benchmarks;

import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * T2: W3C extract + inject through {@code Tracing.extract(Map)} / {@code Tracing.inject(Context, Map)}
 * (hostile-input guard, case-insensitive getter, rejected-context counter) versus the bare
 * propagator with a plain map getter. Target: ours ÷ bare ≤ 1.1. The {@code default} pair adds
 * baggage, our default propagation, on both sides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class PropagationBenchmark {

  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };
  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  private final Map<String, String> inbound = new HashMap<>();
  private final Map<String, String> outbound = new HashMap<>();
  private Tracing w3cOnly;
  private Tracing defaults;
  private TextMapPropagator bareW3c;
  private TextMapPropagator bareDefault;

  @Setup(Level.Trial)
  public void setUp() {
    inbound.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    inbound.put("content-type", "application/json");
    inbound.put("user-agent", "englog-ios/3.2");
    w3cOnly = Tracing.builder().property("otel.propagators", "tracecontext")
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).build();
    defaults = Tracing.builder()
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).build();
    bareW3c = W3CTraceContextPropagator.getInstance();
    bareDefault = TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
        W3CBaggagePropagator.getInstance());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    w3cOnly.close();
    defaults.close();
  }

  @Benchmark
  public Map<String, String> w3c_englog() {
    outbound.clear();
    Context context = w3cOnly.extract(inbound);
    w3cOnly.inject(context, outbound);
    return outbound;
  }

  @Benchmark
  public Map<String, String> w3c_barePropagator() {
    outbound.clear();
    Context context = bareW3c.extract(Context.root(), inbound, GETTER);
    bareW3c.inject(context, outbound, SETTER);
    return outbound;
  }

  @Benchmark
  public Map<String, String> default_englog() {
    outbound.clear();
    Context context = defaults.extract(inbound);
    defaults.inject(context, outbound);
    return outbound;
  }

  @Benchmark
  public Map<String, String> default_barePropagator() {
    outbound.clear();
    Context context = bareDefault.extract(Context.root(), inbound, GETTER);
    bareDefault.inject(context, outbound, SETTER);
    return outbound;
  }
}
