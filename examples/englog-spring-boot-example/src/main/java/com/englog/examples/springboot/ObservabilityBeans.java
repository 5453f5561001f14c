package com.englog.examples.springboot;

import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HeapHealthIndicator;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.servlet.EnglogServlet;
import com.englog.observability.tracing.Tracing;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The suite's three collaborators as beans. Spring closes them when the context closes (their
 * {@code close()} methods are inferred), after the web server has stopped: tracing's own JVM shutdown
 * hook is off, so that the spans of the last requests are exported before the SDK shuts down.
 */
@Configuration
class ObservabilityBeans {

  static final String SERVICE_NAME = "englog-spring-boot-example";

  /**
   * OTLP export when {@code otel.exporter.otlp.endpoint} is set (Spring also finds it as the variable
   * {@code OTEL_EXPORTER_OTLP_ENDPOINT}); ids only otherwise.
   */
  @Bean
  Tracing tracing(Environment environment) {
    Tracing.Builder builder = Tracing.builder().serviceName(SERVICE_NAME).shutdownHook(false);
    String endpoint = environment.getProperty("otel.exporter.otlp.endpoint", "");
    if (endpoint.isEmpty()) {
      builder.property("otel.traces.exporter", "none");
    } else {
      builder.property("otel.exporter.otlp.endpoint", endpoint);
    }
    return builder.build();
  }

  @Bean
  EnglogMetrics englogMetrics(Tracing tracing) {
    return EnglogMetrics.builder()
        .exemplars(EnglogServlet.exemplars(tracing))         // trace ids on histogram buckets
        .declareLabelValues("endpoint", JournalController.JOURNAL)
        .build();
  }

  @Bean
  HealthRegistry healthRegistry(EnglogMetrics metrics) {
    return HealthRegistry.builder()
        .meterRegistry(metrics.registry())                  // englog_health_* in the same scrape
        .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS))
        .build();
  }
}
