package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.ScrapeEndpoint;
import io.prometheus.metrics.tracer.common.SpanContext;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link MetricsServlet} over real HTTP on each container: the scrape endpoint's rules (token,
 * anonymous, 405, negotiation with exemplars, gzip, caching headers, HEAD), registered both ways
 * (no-arg from the context attribute and init parameters, and with an endpoint built in code).
 */
class MetricsServletTest {

  private static final String TOKEN = "servlet-s3cret";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private static Path dir;
  private static EnglogMetrics metrics;
  private static final Map<ServletContainer.Kind, ServletContainer.Running> CONTAINERS =
      new EnumMap<>(ServletContainer.Kind.class);
  /** What init() of a servlet with neither token nor anonymous threw, per container. */
  private static final Map<ServletContainer.Kind, AtomicReference<ServletException>> INIT_FAILURES =
      new EnumMap<>(ServletContainer.Kind.class);

  /** The current span, sampled: histogram buckets recorded under it carry it as their exemplar. */
  static final class FixedSpan implements SpanContext {
    @Override
    public String getCurrentTraceId() {
      return TRACE_ID;
    }

    @Override
    public String getCurrentSpanId() {
      return SPAN_ID;
    }

    @Override
    public boolean isCurrentSpanSampled() {
      return true;
    }

    @Override
    public void markCurrentSpanAsExemplar() {}
  }

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("englog-metrics-servlet");
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    metrics = EnglogMetrics.builder().jvmMetrics(false).exemplars(new FixedSpan()).build();
    metrics.recordJournalCreated("u-1", "text");
    metrics.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(40));
    for (ServletContainer.Kind kind : ServletContainer.Kind.values()) {
      AtomicReference<ServletException> initFailure = new AtomicReference<>();
      INIT_FAILURES.put(kind, initFailure);
      CONTAINERS.put(kind, kind.start(ServletContainer.Options.defaults(), ctx -> {
        ctx.setAttribute(MetricsServlet.METRICS_ATTRIBUTE, metrics);
        ctx.addServlet("metrics", MetricsServlet.class).addMapping("/metrics");
        ctx.getServletRegistration("metrics").setInitParameter(MetricsServlet.TOKEN_FILE_PARAMETER,
            tokenFile.toString());
        ctx.addServlet("open", MetricsServlet.class).addMapping("/open-metrics");
        ctx.getServletRegistration("open").setInitParameter(MetricsServlet.ANONYMOUS_PARAMETER, "true");
        ctx.addServlet("coded", new MetricsServlet(ScrapeEndpoint.builder(metrics.scrapeHandler())
            .bearerTokenFile(tokenFile).build())).addMapping("/coded-metrics");
        ctx.addServlet("unconfigured", MetricsServlet.class).addMapping("/unconfigured-metrics");
        try {
          new MetricsServlet().init(config(ctx, "unconfigured", Map.of()));
        } catch (ServletException e) {
          initFailure.set(e);
        }
      }));
    }
  }

  @AfterAll
  static void stop() throws IOException {
    CONTAINERS.values().forEach(ServletContainer.Running::close);
    if (metrics != null) {
      metrics.close();
    }
    if (dir != null) {
      Files.deleteIfExists(dir.resolve("token"));
      Files.deleteIfExists(dir);
    }
  }

  /** The servlet's configuration as a container gives it. */
  private static ServletConfig config(ServletContext context, String name, Map<String, String> parameters) {
    return new ServletConfig() {
      @Override
      public String getServletName() {
        return name;
      }

      @Override
      public ServletContext getServletContext() {
        return context;
      }

      @Override
      public String getInitParameter(String parameter) {
        return parameters.get(parameter);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(parameters.keySet());
      }
    };
  }

  private static HttpResponse<byte[]> send(ServletContainer.Kind kind, String method, String path,
      String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(CONTAINERS.get(kind).uri(path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> get(ServletContainer.Kind kind, String path, String... headers)
      throws Exception {
    return send(kind, "GET", path, headers);
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aScrapeWithoutTheRightTokenGets401(ServletContainer.Kind kind) throws Exception {
    for (String path : List.of("/metrics", "/coded-metrics")) {
      HttpResponse<byte[]> none = get(kind, path);
      HttpResponse<byte[]> wrong = get(kind, path, "Authorization", "Bearer not-the-token");
      HttpResponse<byte[]> basic = get(kind, path, "Authorization", "Basic c2VydmxldC1zM2NyZXQ=");

      for (HttpResponse<byte[]> r : List.of(none, wrong, basic)) {
        assertThat(r.statusCode()).as(path).isEqualTo(401);
        assertThat(header(r, "WWW-Authenticate")).isEqualTo("Bearer realm=\"metrics\"");
        assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
        assertThat(text(r)).doesNotContain("englog_");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aScrapeWithTheTokenGetsTheMetrics(ServletContainer.Kind kind) throws Exception {
    for (String path : List.of("/metrics", "/coded-metrics")) {
      HttpResponse<byte[]> r = get(kind, path, "Authorization", "Bearer " + TOKEN);

      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(text(r)).contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0");
      assertThat(header(r, "Vary")).isEqualTo("Accept, Accept-Encoding");
      assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
      assertThat(header(r, "Content-Encoding")).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void anonymousScrapesAreServedOnlyWhereConfigured(ServletContainer.Kind kind) throws Exception {
    HttpResponse<byte[]> open = get(kind, "/open-metrics");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(text(open)).contains("englog_business_journals_created_total");

    HttpResponse<byte[]> unconfigured = get(kind, "/unconfigured-metrics");
    assertThat(unconfigured.statusCode()).as("the container marks the servlet unavailable")
        .isIn(500, 503);
    assertThat(text(unconfigured)).doesNotContain("englog_");
    ServletException failure = INIT_FAILURES.get(kind).get();
    assertThat(failure).as("init() without token or anonymous fails").isNotNull();
    assertThat(failure.getMessage()).contains("servlet unconfigured")
        .contains("init parameter token-file").contains("token-env").contains("anonymous=true");
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void methodsOtherThanGetAndHeadGet405WithAllow(ServletContainer.Kind kind) throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      HttpResponse<byte[]> r = send(kind, method, "/metrics", "Authorization", "Bearer " + TOKEN);
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(header(r, "Allow")).as(method).isEqualTo("GET, HEAD");
      assertThat(text(r)).doesNotContain("englog_");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void theAcceptHeaderChoosesTheFormatAndExemplarsAppearInOpenMetricsOnly(ServletContainer.Kind kind)
      throws Exception {
    HttpResponse<byte[]> om = get(kind, "/open-metrics", "Accept", OPENMETRICS);
    HttpResponse<byte[]> text = get(kind, "/open-metrics", "Accept", "text/plain");

    assertThat(header(om, "Content-Type")).startsWith("application/openmetrics-text").contains("1.0.0");
    assertThat(text(om)).endsWith("# EOF\n")
        .containsPattern("englog_http_request_duration_seconds_bucket\\{[^}]*le=\"0\\.05\"[^}]*\\} 1 # \\{"
            + "span_id=\"" + SPAN_ID + "\",trace_id=\"" + TRACE_ID + "\"\\}");
    assertThat(header(text, "Content-Type")).startsWith("text/plain").contains("0.0.4");
    assertThat(text(text)).contains("englog_http_request_duration_seconds_bucket")
        .doesNotContain(TRACE_ID).doesNotContain("# EOF");
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void bodiesAreGzippedWhenAsked(ServletContainer.Kind kind) throws Exception {
    HttpResponse<byte[]> zipped = get(kind, "/metrics", "Authorization", "Bearer " + TOKEN,
        "Accept-Encoding", "gzip");

    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(header(zipped, "Content-Encoding")).isEqualTo("gzip");
    assertThat(header(zipped, "Vary")).isEqualTo("Accept, Accept-Encoding");
    assertThat(header(zipped, "Cache-Control")).isEqualTo("no-store");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void headGetsTheHeadersAndContentLengthOfGetWithoutABody(ServletContainer.Kind kind) throws Exception {
    String[] headers = {"Authorization", "Bearer " + TOKEN, "Accept-Encoding", "gzip"};
    HttpResponse<byte[]> get = get(kind, "/metrics", headers);
    HttpResponse<byte[]> head = send(kind, "HEAD", "/metrics", headers);

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(header(head, "Content-Length")).isEqualTo(Integer.toString(get.body().length));
    for (String name : List.of("Content-Type", "Content-Encoding", "Vary", "Cache-Control")) {
      assertThat(header(head, name)).as(name).isNotNull().isEqualTo(header(get, name));
    }
    HttpResponse<byte[]> refused = send(kind, "HEAD", "/metrics");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(header(refused, "WWW-Authenticate")).isEqualTo("Bearer realm=\"metrics\"");
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aContextAttributeOfTheWrongTypeFailsInitClearly(ServletContainer.Kind kind) throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(), ctx -> {
      ctx.setAttribute(MetricsServlet.METRICS_ATTRIBUTE, "not metrics");
      try {
        new MetricsServlet().init(config(ctx, "metrics", Map.of(MetricsServlet.ANONYMOUS_PARAMETER, "true")));
      } catch (ServletException e) {
        thrown.set(e);
      }
    })) {
      assertThat(c.port()).isPositive();
      assertThat(thrown.get()).isInstanceOf(ServletException.class)
          .hasMessageContaining(MetricsServlet.METRICS_ATTRIBUTE)
          .hasMessageContaining("must hold an " + EnglogMetrics.class.getName());
    }
    assertThatThrownBy(() -> new MetricsServlet(null)).isInstanceOf(NullPointerException.class);
  }
}
