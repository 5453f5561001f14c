package com.englog.observability.benchmarks;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.servlet.ObservabilityFilter;
import com.englog.observability.tracing.Tracing;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * The {@code englog} variant of {@link HelloJettyServer}: {@code ObservabilityFilter} with its defaults
 * in front of the servlet, tracing from the environment ({@code OTEL_EXPORTER_OTLP_ENDPOINT}: OTLP
 * http/protobuf, sampler {@code parentbased_traceidratio} at 1.0 outside production), metrics with
 * exemplars on a Prometheus registry nobody scrapes, the access log through logback.
 */
final class EnglogVariant {

  private EnglogVariant() {}

  static AutoCloseable install(ServletContextHandler context) {
    Tracing tracing = Tracing.builder().serviceName("hello").build();
    EnglogMetrics metrics = EnglogMetrics.builder().exemplars(new OpenTelemetrySpanContext()).build();
    // ENGLOG_BENCH_ACCESS_LOG=false: the same without the access log, to see what the log line costs.
    boolean accessLog = !"false".equals(System.getenv("ENGLOG_BENCH_ACCESS_LOG"));
    ObservabilityFilter filter =
        ObservabilityFilter.builder().metrics(metrics).tracing(tracing).accessLog(accessLog).build();
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    return tracing;
  }
}
