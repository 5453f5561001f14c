package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.common.Secret;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HeapHealthIndicator;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.MetricsHttpServer;
import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.testsupport.DocsSnippets;
import com.englog.observability.testsupport.FreePort;
import com.englog.observability.testsupport.TestEnvironment;
import com.englog.observability.tracing.Tracing;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/servlet.md's code, verbatim: each java block is a {@code docs:start}/{@code docs:end} region of this
 * test (or of {@link WebXmlApp}), run in a real container, or the Spring Boot example's registration class,
 * run on Spring Boot 3 by that example's own test; the web.xml block is {@link
 * WebXmlRegistrationTest#DOCS_WEB_XML}. The README's first step is the install region.
 */
class ServletDocsTest {

  private static final Path ROOT = TestEnvironment.repositoryRoot();
  private static final Path SOURCE = ROOT.resolve(
      "englog-servlet-filters/src/test/java/com/englog/observability/servlet/ServletDocsTest.java");
  private static final Path LISTENER_SOURCE = ROOT.resolve(
      "englog-servlet-filters/src/test/java/com/englog/observability/servlet/WebXmlApp.java");
  /** The Spring Boot registration, compiled and run on Spring Boot 3 / Tomcat 10.1 by the example's test. */
  private static final Path SPRING_BOOT_SOURCE = ROOT.resolve("examples/englog-spring-boot-example/src/main/java/"
      + "com/englog/examples/springboot/ObservabilityRegistration.java");
  private static final Map<String, String> NO_OTEL_ENV = Map.of("OTEL_TRACES_EXPORTER", "none",
      "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none");

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private ServletContainer.Running start(Consumer<ServletContext> setup) throws Exception {
    ServletContainer.Running c = ServletContainer.Kind.JETTY.start(ServletContainer.Options.defaults(), ctx -> {
      ctx.addServlet("hello", Scripted.text("hello")).addMapping("/hello");
      setup.accept(ctx);
    });
    toClose.add(c);
    return c;
  }

  @Test
  void theInstallCallRegistersEverything() throws Exception {
    AtomicReference<EnglogMetrics> created = new AtomicReference<>();
    ServletContainer.Running c = start(servletContext -> {
      // docs:start install
      Tracing tracing = Tracing.builder().serviceName("englog-api")
          .configuration(Map.of(), NO_OTEL_ENV) // test only: no OTEL_* of this machine, nothing exported
          .build();
      EnglogMetrics metrics = EnglogMetrics.builder()
          .exemplars(EnglogServlet.exemplars(tracing))              // trace ids on histogram buckets
          .build();
      HealthRegistry health = HealthRegistry.builder()
          .meterRegistry(metrics.registry())                        // englog_health_* in the same scrape
          .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS))
          .build();
      EnglogServlet.install(servletContext, EnglogServlet.config()
          .metrics(metrics).tracing(tracing).health(health)
          .metricsTokenFile(Path.of("/run/secrets/metrics-token")));
      // docs:end install
      created.set(metrics);
      toClose.add(tracing);
      toClose.add(metrics);
      toClose.add(health);
    });

    assertThat(Harness.get(c, "/hello").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/health/live").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/metrics").statusCode()).as("no token file here: nobody may scrape").isEqualTo(401);
    assertThat(Harness.requests(created.get(), "GET", "/hello", 200)).isEqualTo(1);
  }

  @Test
  void theFilterSettingsApply() throws Exception {
    EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).exemplars(EnglogServlet.exemplars(
        Harness.TRACING)).build();
    toClose.add(metrics);
    Tracing tracing = Harness.TRACING;
    RequestDetails details = new RequestDetails() {
      @Override
      public @Nullable String userId(HttpServletRequest request) {
        return request.getHeader("X-Test-User");
      }
    };
    ServletContainer.Running c = start(servletContext -> {
      // docs:start filter-settings
      EnglogServlet.install(servletContext, EnglogServlet.config()
          .metrics(metrics).tracing(tracing)
          .anonymousMetrics()                                      // only Prometheus reaches this port
          .filter(f -> f
              .routeResolver(request -> (String) request.getAttribute("org.example.MATCHED_ROUTE"))
              .exclude("/metrics", "/health", "/health/*", "/internal/*")
              .excludeFromLatency("/api/v1/events")                 // server-sent events
              .trustedProxies("10.0.0.0/8", "127.0.0.1")
              .requestDetails(details)                              // user and session of a request
              .userPseudonymKey(Secret.of("a key of the service"))  // test only
              .countResponseBytes(true)));
      // docs:end filter-settings
    });

    HttpResponse<String> r = Harness.get(c, "/hello", "X-Forwarded-For", "203.0.113.9", "X-Test-User", "alice");

    assertThat(r.statusCode()).isEqualTo(200);
    var span = Harness.serverSpan(Harness.traceId(r));
    assertThat(span.attributes()).containsEntry("client.address", "203.0.113.9")
        .containsKey("enduser.pseudo.id").doesNotContainValue("alice");
    assertThat(Harness.get(c, "/internal/x").statusCode()).isEqualTo(404);
    assertThat(Harness.requestSeries(metrics)).extracting(s -> s.get("endpoint")).containsOnly("/hello");
  }

  @Test
  void theProgrammaticRegistrationRegistersEverything() throws Exception {
    EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).build();
    toClose.add(metrics);
    Tracing tracing = Harness.TRACING;
    HealthRegistry health = HealthRegistry.builder().meterRegistry(metrics.registry())
        .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS)).build();
    toClose.add(health);
    ServletContainer.Running c = start(servletContext -> {
      // docs:start programmatic
      ObservabilityFilter filter = ObservabilityFilter.builder().metrics(metrics).tracing(tracing).build();
      FilterRegistration.Dynamic f = servletContext.addFilter("englog-observability", filter);
      f.setAsyncSupported(true);
      f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");

      ScrapeEndpoint endpoint = ScrapeEndpoint.builder(metrics.scrapeHandler())
          .bearerTokenFile(Path.of("/run/secrets/metrics-token"))
          .build();
      ServletRegistration.Dynamic m = servletContext.addServlet("englog-metrics", new MetricsServlet(endpoint));
      m.setAsyncSupported(true);
      m.addMapping("/metrics");

      ServletRegistration.Dynamic h = servletContext.addServlet("englog-health", new HealthServlet(health));
      h.setAsyncSupported(true);
      h.addMapping("/health", "/health/*");
      // docs:end programmatic
    });

    HttpResponse<String> hello = Harness.get(c, "/hello");
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/health/live").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/metrics").statusCode()).isEqualTo(401);
    assertThat(Harness.requestSeries(metrics)).extracting(s -> s.get("endpoint")).containsOnly("/hello");
    assertThat(Harness.serverSpan(Harness.traceId(hello)).name()).isEqualTo("GET /hello");
  }

  @Test
  void metricsOnAManagementPort() throws Exception {
    EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).exemplars(EnglogServlet.exemplars(
        Harness.TRACING)).build();
    toClose.add(metrics);
    Tracing tracing = Harness.TRACING;
    int managementPort = FreePort.next();
    AtomicReference<MetricsHttpServer> started = new AtomicReference<>();
    ServletContainer.Running c = start(servletContext -> {
      // docs:start management-port
      EnglogServlet.install(servletContext, EnglogServlet.config()
          .metrics(metrics).tracing(tracing)
          .withoutMetricsServlet());
      MetricsHttpServer management = MetricsHttpServer.builder(metrics.scrapeHandler())
          .port(managementPort)                                     // e.g. 9464, not exposed by the ingress
          .allowAnonymous()
          .start();
      // docs:end management-port
      started.set(management);
    });
    toClose.add(started.get());

    assertThat(Harness.get(c, "/hello").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/metrics").statusCode()).isEqualTo(404);
    HttpResponse<String> scrape = Harness.send(Harness.HTTP1, HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + managementPort + "/metrics")).timeout(Harness.WAIT));
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("englog_http_requests_total{endpoint=\"/hello\"");
  }

  @Test
  void everyJavaBlockOfThePageIsATestedRegion() {
    Map<String, String> regions = new java.util.LinkedHashMap<>(DocsSnippets.regions(SOURCE));
    regions.putAll(DocsSnippets.regions(LISTENER_SOURCE));
    regions.putAll(DocsSnippets.regions(SPRING_BOOT_SOURCE));
    assertThat(regions).containsKeys("install", "filter-settings", "programmatic", "management-port",
        "listener", "spring-boot");
    List<String> blocks = DocsSnippets.fencedBlocks(ROOT.resolve("docs/servlet.md"), "java");
    assertThat(blocks).containsAll(regions.values());
    assertThat(regions.values()).as("every java block of the page is compiled code").containsAll(blocks);
  }

  @Test
  void theWebXmlBlockIsTheTestedOne() {
    assertThat(DocsSnippets.fencedBlocks(ROOT.resolve("docs/servlet.md"), "xml"))
        .contains(WebXmlRegistrationTest.DOCS_WEB_XML);
  }

  @Test
  void theReadmesFirstStepIsTheInstallCall() {
    assertThat(DocsSnippets.fencedBlocks(ROOT.resolve("README.md"), "java"))
        .contains(DocsSnippets.regions(SOURCE).get("install"));
  }
}
