package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import com.englog.observability.health.Health;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.logging.BoundedAsyncAppender;
import com.englog.observability.logging.JsonEncoder;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import jakarta.servlet.ServletContext;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EnglogServlet#install} on a real container: what it registers, the hooks it wires (each seen in
 * the scrape after one request), the startup failures for pieces only a builder can set, their opt-outs,
 * and installing twice.
 */
class EnglogServletTest {

  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private EnglogMetrics metricsWithExemplars() {
    return closing(EnglogMetrics.builder().jvmMetrics(false).exemplars(EnglogServlet.exemplars(Harness.TRACING))
        .build());
  }

  private HealthRegistry health(EnglogMetrics metrics) {
    return closing(HealthRegistry.builder().meterRegistry(metrics.registry()).backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().build()).build());
  }

  private LoggerContext loggerContext() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // logback sets one only on its default context
    toClose.add(context::stop);
    return context;
  }

  /** A container whose setup adds a hello servlet and then runs {@code install}. */
  private ServletContainer.Running start(Consumer<ServletContext> install) throws Exception {
    return closing(ServletContainer.Kind.JETTY.start(ServletContainer.Options.defaults(), ctx -> {
      ctx.addServlet("hello", Scripted.text("hello")).addMapping("/hello");
      install.accept(ctx);
    }));
  }

  /** The exception {@code install} threw in the container's setup (the container still starts). */
  private Throwable failure(EnglogServlet.Config config) throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    start(ctx -> {
      try {
        EnglogServlet.install(ctx, config);
      } catch (RuntimeException e) {
        thrown.set(e);
      }
    });
    assertThat(thrown.get()).as("install failed").isNotNull();
    return thrown.get();
  }

  private static String scrape(ServletContainer.Running c, String path) {
    HttpResponse<String> r = Harness.send(Harness.HTTP1, HttpRequest.newBuilder(c.uri(path)).timeout(Harness.WAIT),
        "Accept", OPENMETRICS);
    assertThat(r.statusCode()).as("scrape of %s", path).isEqualTo(200);
    return r.body();
  }

  private static double sample(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(exposition);
    assertThat(m.find()).as("%s in\n%s", series, exposition).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void oneInstallServesTheApplicationObservedAndMetricsAndHealthUnobserved() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = health(metrics);
    AtomicReference<EnglogServlet.Installation> installed = new AtomicReference<>();
    ServletContainer.Running c = start(ctx -> installed.set(EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).health(health).loggerContext(loggerContext())
        .anonymousMetrics())));

    HttpResponse<String> hello = Harness.get(c, "/hello");
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/health/live").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/health").statusCode()).isEqualTo(200);
    String exposition = scrape(c, "/metrics");

    assertThat(Harness.requests(metrics, "GET", "/hello", 200)).isEqualTo(1);
    assertThat(Harness.requestSeries(metrics)).extracting(s -> s.get("endpoint")).containsOnly("/hello");
    assertThat(Harness.serverSpan(Harness.traceId(hello)).name()).isEqualTo("GET /hello");
    assertThat(exposition).contains("englog_http_requests_total{endpoint=\"/hello\"");
    assertThat(installed.get().filter()).isTrue();
    assertThat(installed.get().metricsPath()).contains("/metrics");
    assertThat(installed.get().healthPath()).contains("/health");
    assertThat(installed.get().hooks()).containsExactlyInAnyOrder(EnglogServlet.Hook.values());
  }

  @Test
  void exemplarsPointAtTheRequestsSpan() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    ServletContainer.Running c = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).anonymousMetrics()));

    HttpResponse<String> hello = Harness.get(c, "/hello");

    assertThat(scrape(c, "/metrics").lines()
        .filter(l -> l.startsWith("englog_http_request_duration_seconds_bucket{") && l.contains("/hello")))
        .anyMatch(l -> l.contains("trace_id=\"" + Harness.traceId(hello) + "\"")
            && l.contains("span_id=\"" + Harness.spanId(hello) + "\""));
  }

  @Test
  void healthStatusIsPublishedOnTheMetricsRegistry() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = health(metrics);
    ServletContainer.Running c = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).health(health).anonymousMetrics()));

    assertThat(Harness.get(c, "/health/ready").statusCode()).isEqualTo(200);

    assertThat(scrape(c, "/metrics"))
        .containsPattern("(?m)^englog_health_status\\{[^}]*component=\"db\"[^}]*status=\"UP\"[^}]*} 1");
  }

  @Test
  void tracingCountersArePublished() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    Tracing tracing = closing(Tracing.builder().serviceName("install-test")
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none",
            "OTEL_LOGS_EXPORTER", "none"))
        .build());
    ServletContainer.Running c = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(tracing).anonymousMetrics()));

    assertThat(Harness.get(c, "/hello", "traceparent", "00-not-a-trace", "baggage", "k=%%%").statusCode())
        .isEqualTo(200);

    String exposition = scrape(c, "/metrics");
    assertThat(sample(exposition, "englog_tracing_contexts_rejected_total")).isEqualTo(1);
    assertThat(sample(exposition, "englog_tracing_baggage_rejected_total")).isEqualTo(1);
    assertThat(sample(exposition, "englog_tracing_spans_dropped_total")).isZero();
    assertThat(sample(exposition, "englog_tracing_spans_failed_total")).isZero();
    assertThat(exposition).containsPattern("(?m)^englog_tracing_queue_spans \\S+");
  }

  @Test
  void redactionCountsArePublishedOnceEvenWhenInstalledTwice() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    LoggerContext logs = loggerContext();
    JsonEncoder encoder = JsonEncoder.builder().build();
    encoder.setContext(logs);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(logs);
    appender.setEncoder(encoder);
    appender.setOutputStream(new ByteArrayOutputStream());
    appender.start();
    logs.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    // Two applications (contexts) of one JVM sharing the metrics and the logback context.
    ServletContainer.Running first = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).loggerContext(logs).anonymousMetrics()));
    start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).loggerContext(logs).anonymousMetrics()));

    logs.getLogger("app").info("password={}", "hunter2");
    assertThat(Harness.get(first, "/hello").statusCode()).isEqualTo(200);

    assertThat(sample(scrape(first, "/metrics"), "englog_security_redactions_total{kind=\"credential\"}"))
        .isEqualTo(1);
  }

  @Test
  void droppedLogEventsArePublishedByLevel() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    LoggerContext logs = loggerContext();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    UnsynchronizedAppenderBase<ILoggingEvent> stalled = new UnsynchronizedAppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    };
    stalled.setContext(logs);
    stalled.start();
    BoundedAsyncAppender async = BoundedAsyncAppender.builder().queueSize(1).maxBlock(Duration.ZERO)
        .maxFlushTime(Duration.ofSeconds(10)).appender(stalled).build();
    async.setContext(logs);
    async.start();
    toClose.add(release::countDown);
    logs.getLogger("app").addAppender(async);
    ServletContainer.Running c = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).loggerContext(logs).anonymousMetrics()));

    logs.getLogger("app").warn("taken by the worker, which stalls");
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    logs.getLogger("app").warn("queued");
    logs.getLogger("app").warn("dropped");
    assertThat(Harness.get(c, "/hello").statusCode()).isEqualTo(200);

    String exposition = scrape(c, "/metrics");
    assertThat(sample(exposition, "englog_logging_events_dropped_total{level=\"warn\"}")).isEqualTo(1);
    assertThat(sample(exposition, "englog_logging_events_dropped_total{level=\"error\"}")).isZero();
  }

  @Test
  void metricsWithoutExemplarsFailTheInstallNamingThem() throws Exception {
    EnglogMetrics plain = closing(EnglogMetrics.builder().jvmMetrics(false).build());

    assertThat(failure(EnglogServlet.config().metrics(plain).tracing(Harness.TRACING).anonymousMetrics()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without exemplars").hasMessageContaining("withoutExemplars()");
  }

  @Test
  void withoutExemplarsAcceptsMetricsBuiltWithoutThem() throws Exception {
    EnglogMetrics plain = closing(EnglogMetrics.builder().jvmMetrics(false).build());
    AtomicReference<EnglogServlet.Installation> installed = new AtomicReference<>();
    ServletContainer.Running c = start(ctx -> installed.set(EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(plain).tracing(Harness.TRACING).anonymousMetrics().withoutExemplars())));

    assertThat(Harness.get(c, "/hello").statusCode()).isEqualTo(200);

    assertThat(Harness.requests(plain, "GET", "/hello", 200)).isEqualTo(1);
    assertThat(installed.get().hooks()).doesNotContain(EnglogServlet.Hook.EXEMPLARS);
  }

  @Test
  void aHealthRegistryWithoutMeterRegistryFailsTheInstallNamingIt() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = closing(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().build()).build());

    assertThat(failure(EnglogServlet.config().metrics(metrics).tracing(Harness.TRACING).health(health)
        .anonymousMetrics()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a meter registry").hasMessageContaining("withoutHealthMetrics()");
  }

  @Test
  void aHealthRegistryPublishingElsewhereFailsTheInstall() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = closing(HealthRegistry.builder().meterRegistry(new SimpleMeterRegistry())
        .backgroundRefresh(Duration.ZERO).add("db", context -> Health.up().build()).build());

    assertThat(failure(EnglogServlet.config().metrics(metrics).tracing(Harness.TRACING).health(health)
        .anonymousMetrics()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another meter registry");
  }

  @Test
  void withoutHealthMetricsServesAHealthRegistryWithoutMeterRegistry() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = closing(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().build()).build());
    AtomicReference<EnglogServlet.Installation> installed = new AtomicReference<>();
    ServletContainer.Running c = start(ctx -> installed.set(EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).health(health).anonymousMetrics().withoutHealthMetrics())));

    assertThat(Harness.get(c, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(installed.get().hooks()).doesNotContain(EnglogServlet.Hook.HEALTH_METRICS);
    assertThat(scrape(c, "/metrics")).doesNotContain("englog_health_status");
  }

  @Test
  void metricsNeedATokenOrAnExplicitAnonymousChoice() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();

    assertThat(failure(EnglogServlet.config().metrics(metrics).tracing(Harness.TRACING)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bearer token").hasMessageContaining("anonymousMetrics()");
  }

  @Test
  void aTokenFromTheEnvironmentGuardsMetrics() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    String variable = System.getenv().containsKey("PATH") ? "PATH" : System.getenv().keySet().iterator().next();
    ServletContainer.Running c = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).metricsTokenEnv(variable)));

    assertThat(Harness.get(c, "/metrics").statusCode()).isEqualTo(401);
    assertThat(Harness.get(c, "/metrics", "Authorization", "Bearer " + System.getenv(variable)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void installingTwiceOnOneContextIsAnErrorAndCountsOnce() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    AtomicReference<Throwable> second = new AtomicReference<>();
    ServletContainer.Running c = start(ctx -> {
      EnglogServlet.Config config = EnglogServlet.config().metrics(metrics).tracing(Harness.TRACING)
          .anonymousMetrics();
      EnglogServlet.install(ctx, config);
      try {
        EnglogServlet.install(ctx, config);
      } catch (IllegalStateException e) {
        second.set(e);
      }
    });

    assertThat(Harness.get(c, "/hello").statusCode()).isEqualTo(200);

    assertThat(second.get()).hasMessageContaining("installed on this servlet context already");
    assertThat(Harness.requests(metrics, "GET", "/hello", 200)).isEqualTo(1);
  }

  @Test
  void pathsAreConfigurableAndStayUnobserved() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = health(metrics);
    ServletContainer.Running c = start(ctx -> EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).health(health).anonymousMetrics()
        .metricsPath("/internal/metrics").healthPath("/internal/health")));

    assertThat(Harness.get(c, "/internal/health/live").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/internal/health").statusCode()).isEqualTo(200);
    scrape(c, "/internal/metrics");
    assertThat(Harness.get(c, "/metrics").statusCode()).isEqualTo(404);

    assertThat(Harness.requestSeries(metrics)).extracting(s -> s.get("endpoint"))
        .doesNotContain("/internal/metrics", "/internal/health");
  }

  @Test
  void eachPieceCanBeTurnedOff() throws Exception {
    EnglogMetrics metrics = metricsWithExemplars();
    HealthRegistry health = health(metrics);
    AtomicReference<EnglogServlet.Installation> installed = new AtomicReference<>();
    ServletContainer.Running c = start(ctx -> installed.set(EnglogServlet.install(ctx, EnglogServlet.config()
        .metrics(metrics).tracing(Harness.TRACING).health(health)
        .withoutFilter().withoutMetricsServlet().withoutHealthServlet())));

    assertThat(Harness.get(c, "/hello").statusCode()).isEqualTo(200);
    assertThat(Harness.get(c, "/metrics").statusCode()).isEqualTo(404);
    assertThat(Harness.get(c, "/health").statusCode()).isEqualTo(404);

    assertThat(Harness.requestSeries(metrics)).isEmpty();
    assertThat(installed.get().filter()).isFalse();
    assertThat(installed.get().metricsPath()).isEmpty();
    assertThat(installed.get().healthPath()).isEmpty();
  }

  @Test
  void exemplarsComeFromTheOpenTelemetryApiWithoutTheAgent() {
    assertThat(EnglogServlet.exemplars(Tracing.Mode.SDK)).isInstanceOf(OpenTelemetrySpanContext.class);
    // Without the agent's shaded API on the class path, its variant is unavailable: the API one reads the
    // same spans then.
    assertThat(EnglogServlet.exemplars(Tracing.Mode.AGENT)).isInstanceOf(OpenTelemetrySpanContext.class);
  }

  @Test
  void configurationRejectsPathsThatAreNotPlainPaths() {
    assertThatThrownBy(() -> EnglogServlet.config().metricsPath("metrics"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EnglogServlet.config().healthPath("/health/*"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
