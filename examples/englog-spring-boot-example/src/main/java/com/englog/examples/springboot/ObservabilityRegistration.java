package com.englog.examples.springboot;

import com.englog.observability.health.HealthRegistry;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.servlet.EnglogServlet;
import com.englog.observability.servlet.HealthServlet;
import com.englog.observability.servlet.MetricsServlet;
import com.englog.observability.servlet.ObservabilityFilter;
import com.englog.observability.tracing.Tracing;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The registration docs/servlet.md shows for Spring Boot, which runs no {@code
 * ServletContainerInitializer} of a jar in its embedded container: the filter first in the chain, the
 * two servlets, and the hooks through a {@code ServletContextInitializer}.
 */
// docs:start spring-boot
@Configuration
class ObservabilityRegistration {

  @Bean
  FilterRegistrationBean<ObservabilityFilter> englogFilter(EnglogMetrics metrics, Tracing tracing) {
    FilterRegistrationBean<ObservabilityFilter> r = new FilterRegistrationBean<>(
        ObservabilityFilter.builder().metrics(metrics).tracing(tracing)
            // Spring MVC's matched template ("/api/v1/journals/{id}") as the route
            .routeResolver(request -> request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)
                instanceof String template ? template : null)
            .build());
    r.setName("englog-observability");
    r.setOrder(Ordered.HIGHEST_PRECEDENCE);                 // before Spring Security and every other filter
    r.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
    r.addUrlPatterns("/*");
    r.setAsyncSupported(true);
    return r;
  }

  @Bean
  ServletRegistrationBean<MetricsServlet> englogMetricsServlet(EnglogMetrics metrics,
      @Value("${englog.metrics.token-file:/run/secrets/metrics-token}") Path tokenFile) {
    ScrapeEndpoint endpoint = ScrapeEndpoint.builder(metrics.scrapeHandler())
        .bearerTokenFile(tokenFile)
        .build();
    ServletRegistrationBean<MetricsServlet> r = new ServletRegistrationBean<>(new MetricsServlet(endpoint), "/metrics");
    r.setName("englog-metrics");
    r.setAsyncSupported(true);
    return r;
  }

  @Bean
  ServletRegistrationBean<HealthServlet> englogHealthServlet(HealthRegistry health) {
    ServletRegistrationBean<HealthServlet> r =
        new ServletRegistrationBean<>(new HealthServlet(health), "/health", "/health/*");
    r.setName("englog-health");
    r.setAsyncSupported(true);
    return r;
  }

  @Bean
  ServletContextInitializer englogHooks(EnglogMetrics metrics, Tracing tracing, HealthRegistry health) {
    return servletContext -> EnglogServlet.install(servletContext, EnglogServlet.config()
        .metrics(metrics).tracing(tracing).health(health)
        .withoutFilter().withoutMetricsServlet().withoutHealthServlet());   // the hooks only
  }
}
// docs:end spring-boot
