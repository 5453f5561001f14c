package com.englog.observability.benchmarks;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.servlet.ObservabilityFilter;
import com.englog.observability.tracing.Tracing;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.otel.bridge.Slf4JBaggageEventListener;
import io.micrometer.tracing.otel.bridge.Slf4JEventListener;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.web.MockFilterConfig;
import org.springframework.mock.web.MockHttpServletMapping;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * S1: what a request costs with EngLog's {@code ObservabilityFilter} in front of a trivial servlet,
 * against Spring Framework's {@code ServerHttpObservationFilter} wired as Spring Boot wires it with
 * Micrometer Tracing's OpenTelemetry bridge, and against the servlet alone ({@code bare}). In process:
 * a fresh {@code MockHttpServletRequest} ({@code GET /hello}, an EXACT servlet mapping, a
 * {@code User-Agent}, no incoming trace context) and {@code MockHttpServletResponse} per operation on
 * every side, so {@code side − bare} is what the filter adds.
 *
 * <p>Both filters do the same kind of work: a duration histogram and a request count on a Prometheus
 * registry (Spring: the {@code http.server.requests} timer with the same eleven buckets as
 * {@code englog_http_request_duration_seconds}, as {@code management.metrics.distribution.slo} would
 * set them, plus the active-requests long task timer Boot registers by default), exemplars from the
 * current span on both registries, a SERVER span from an OpenTelemetry SDK with the same sampler
 * ({@code parentbased_traceidratio} at {@code sampling}: 1.0, and 0.1 as in production) and a
 * {@code BatchSpanProcessor} (default queue) in front of an exporter that drops every batch at once,
 * W3C trace context + baggage propagation, and trace ids in the MDC while the request runs (Spring:
 * Micrometer Tracing's {@code Slf4JEventListener} and {@code Slf4JBaggageEventListener}, as Boot
 * registers them; EngLog: the correlation id, generated per request as none comes in). EngLog's
 * access log is off here ({@code accessLog(false)}: the Spring filter writes none); the loopback
 * benchmark ({@code servlet-loopback.sh}) writes it.
 *
 * <p>Target: {@code (englog − bare) ≤ (spring − bare)} per fork (median), allocation per request
 * reported ({@code -prof gc}). Run: {@code ServletFilterBenchmark -prof gc} (class defaults below).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ServletFilterBenchmark {

  private static final String SPRING_METRIC = "http.server.requests";
  private static final MockHttpServletMapping MAPPING =
      new MockHttpServletMapping("hello", "/hello", "hello", MappingMatch.EXACT);

  /** {@code otel.traces.sampler.arg} of both sides: 1.0 (every request traced) and 0.1 (production). */
  @Param({"1.0", "0.1"})
  public String sampling;

  private MockServletContext servletContext;
  private HttpServlet servlet;
  private FilterChain chain;
  private Filter englog;
  private Tracing englogTracing;
  private Filter spring;
  private SdkTracerProvider springTracerProvider;

  @Setup(Level.Trial)
  public void setUp() throws ServletException {
    Quiet.logging();
    servletContext = new MockServletContext();
    servlet = new HelloServlet();
    chain = (request, response) -> servlet.service(request, response);
    englog = englogFilter();
    spring = springFilter();
  }

  /**
   * EngLog's filter with its defaults but the access log: a Prometheus registry with exemplars (as
   * {@code install} wires them) and tracing with the given sample ratio, batch-exporting to a drop.
   */
  private Filter englogFilter() throws ServletException {
    englogTracing = Tracing.builder()
        .serviceName("benchmark")
        .property("otel.traces.sampler.arg", sampling)
        .spanExporter(new TracingHelperBenchmark.NoopExporter())
        .configuration(Map.of(), Map.of())
        .build();
    EnglogMetrics metrics = EnglogMetrics.builder().exemplars(new OpenTelemetrySpanContext()).build();
    Filter filter = ObservabilityFilter.builder().metrics(metrics).tracing(englogTracing).accessLog(false).build();
    filter.init(new MockFilterConfig(servletContext, "englog"));
    return filter;
  }

  /** Spring Framework's filter with Micrometer Observation, wired as Spring Boot 4 wires it. */
  private Filter springFilter() {
    double ratio = Double.parseDouble(sampling);
    springTracerProvider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.builder().put("service.name", "benchmark").build()))
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
        .addSpanProcessor(BatchSpanProcessor.builder(new TracingHelperBenchmark.NoopExporter()).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(springTracerProvider)
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .build();
    io.opentelemetry.api.trace.Tracer otelTracer = sdk.getTracer("org.springframework.boot");
    OtelCurrentTraceContext currentTraceContext = new OtelCurrentTraceContext();
    Slf4JEventListener mdc = new Slf4JEventListener();
    Slf4JBaggageEventListener baggageMdc = new Slf4JBaggageEventListener(List.of());
    OtelTracer tracer = new OtelTracer(otelTracer, currentTraceContext, event -> {
      mdc.onEvent(event);
      baggageMdc.onEvent(event);
    }, new OtelBaggageManager(currentTraceContext, List.of(), List.of()));
    OtelPropagator propagator = new OtelPropagator(sdk.getPropagators(), otelTracer);

    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(
        PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM, new OpenTelemetrySpanContext());
    double[] slo = EnglogMetrics.HTTP_DURATION_BUCKETS.stream()
        .mapToDouble(seconds -> (double) Duration.ofNanos((long) (seconds * 1e9)).toNanos())
        .toArray();
    meters.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return SPRING_METRIC.equals(id.getName())
            ? DistributionStatisticConfig.builder().serviceLevelObjectives(slo).build().merge(config)
            : config;
      }
    });

    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig()
        .observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
            new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
            new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
            new DefaultTracingObservationHandler(tracer)))
        .observationHandler(new TracingAwareMeterObservationHandler<>(
            new DefaultMeterObservationHandler(meters), tracer));
    return new ServerHttpObservationFilter(observations);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    englogTracing.close();
    springTracerProvider.close();
  }

  private MockHttpServletRequest request() {
    MockHttpServletRequest request = new MockHttpServletRequest(servletContext, "GET", "/hello");
    request.setHttpServletMapping(MAPPING);
    request.addHeader("User-Agent", "wrk");
    return request;
  }

  /** The servlet alone: the floor both filters are measured against. */
  @Benchmark
  public Object bare() throws IOException, ServletException {
    MockHttpServletRequest request = request();
    MockHttpServletResponse response = new MockHttpServletResponse();
    chain.doFilter(request, response);
    return response;
  }

  @Benchmark
  public Object englog() throws IOException, ServletException {
    MockHttpServletRequest request = request();
    MockHttpServletResponse response = new MockHttpServletResponse();
    englog.doFilter(request, response, chain);
    return response;
  }

  @Benchmark
  public Object spring() throws IOException, ServletException {
    MockHttpServletRequest request = request();
    MockHttpServletResponse response = new MockHttpServletResponse();
    spring.doFilter(request, response, chain);
    return response;
  }
}
