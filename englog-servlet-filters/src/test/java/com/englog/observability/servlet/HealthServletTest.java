package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthAccess;
import com.englog.observability.health.HealthHandler;
import com.englog.observability.health.HealthRegistry;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The health servlet over real HTTP on each container: paths, groups, details, HEAD, registration styles. */
@SuppressWarnings("try") // a container or registry is closed by try-with-resources without being named again
class HealthServletTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static final String DEGRADED = "{\"status\":\"DEGRADED\"}";

  /** db (readiness, startup, storage) UP; ai non-critical and DOWN; heap in liveness, UP. */
  private static HealthRegistry service() {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().detail("database", "PostgreSQL 15.8").build(),
            o -> o.groups(HealthRegistry.READINESS, HealthRegistry.STARTUP, "storage"))
        .add("ai", context -> Health.down("HTTP 503 (expected 2xx)").build(), o -> o.nonCritical())
        .add("heap", context -> Health.up().build(), o -> o.groups(HealthRegistry.LIVENESS))
        .build();
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void servesTheProbePathsGroupsAndComponentsWithTheHandlersStatusCodes(ServletContainer.Kind kind)
      throws Exception {
    try (HealthRegistry registry = service();
        ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(),
            ctx -> HealthServlet.register(ctx, new HealthServlet(registry)))) {
      // Liveness answers from the latest results: UNKNOWN (200) until heap's first check is done.
      assertThat(get(c.uri("/health/live")).statusCode()).isEqualTo(200);
      awaitBody(c.uri("/health/live"), "{\"status\":\"UP\"}");

      HttpResponse<String> all = get(c.uri("/health"));
      assertThat(all.statusCode()).isEqualTo(200);
      assertThat(all.body()).isEqualTo(DEGRADED);
      assertThat(contentType(all)).isEqualTo("application/json;charset=utf-8");
      assertThat(all.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(get(c.uri("/health/")).body()).isEqualTo(DEGRADED);
      assertThat(get(c.uri("/health/ready")).body()).isEqualTo(DEGRADED);
      assertThat(get(c.uri("/health/started")).body()).isEqualTo(DEGRADED);
      assertThat(get(c.uri("/health/storage")).body()).isEqualTo("{\"status\":\"UP\"}");
      HttpResponse<String> ai = get(c.uri("/health/ai"));
      assertThat(ai.statusCode()).as("a component's own path: its own status").isEqualTo(503);
      assertThat(ai.body()).isEqualTo("{\"status\":\"DOWN\"}");
      HttpResponse<String> unknown = get(c.uri("/health/nothing"));
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).doesNotContain("nothing");
      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(c.uri("/health"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void headAnswersGetsStatusAndContentLengthWithoutABody(ServletContainer.Kind kind) throws Exception {
    try (HealthRegistry registry = service();
        ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(),
            ctx -> HealthServlet.register(ctx, new HealthServlet(registry)))) {
      awaitBody(c.uri("/health/live"), "{\"status\":\"UP\"}");
      for (String path : new String[] {"/health", "/health/ready", "/health/live", "/health/ai", "/health/x"}) {
        HttpResponse<String> get = get(c.uri(path));
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(c.uri(path))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
        assertThat(head.body()).as(path).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).as(path)
            .hasValue(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(contentType(head)).as(path).isEqualTo("application/json;charset=utf-8");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void webXmlStyleRegistrationFindsTheRegistryAndProtectsDetailsByToken(ServletContainer.Kind kind,
      @TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "s3cret-token\n");
    try (HealthRegistry registry = service();
        ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(), ctx -> {
          ctx.setAttribute(HealthServlet.REGISTRY_ATTRIBUTE, registry);
          // As web.xml would: the class by name, async-supported, init parameters, a mount of its own.
          ServletRegistration.Dynamic r = ctx.addServlet("health", HealthServlet.class);
          r.setAsyncSupported(true);
          r.setInitParameter("englog.health.details", "token");
          r.setInitParameter("englog.health.token-file", tokenFile.toString());
          r.addMapping("/internal/health/*");
        })) {
      HttpResponse<String> anonymous = get(c.uri("/internal/health"));
      HttpResponse<String> wrongToken = get(c.uri("/internal/health"), "s3cret-tokeX");
      HttpResponse<String> authorised = get(c.uri("/internal/health"), "s3cret-token");

      assertThat(anonymous.statusCode()).isEqualTo(200);
      assertThat(anonymous.body()).isEqualTo(DEGRADED);
      assertThat(wrongToken.body()).isEqualTo(DEGRADED);
      assertThat(authorised.statusCode()).isEqualTo(200);
      assertThat(authorised.body()).contains("\"ai\":{\"status\":\"DOWN\"", "HTTP 503", "PostgreSQL 15.8");
      assertThat(get(c.uri("/internal/health/storage"), "s3cret-token").body()).contains("PostgreSQL 15.8")
          .doesNotContain("\"ai\"");
      assertThat(get(c.uri("/health")).statusCode()).as("nothing is served outside the mapping").isEqualTo(404);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aHandlerInTheContextAttributeIsServedWithItsOwnAccess(ServletContainer.Kind kind) throws Exception {
    try (HealthRegistry registry = service();
        ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(), ctx -> {
          ctx.setAttribute(HealthServlet.HANDLER_ATTRIBUTE,
              HealthHandler.builder(registry).access(HealthAccess.when(r -> "ops".equals(r.header("X-Role"))))
                  .build());
          ServletRegistration.Dynamic r = ctx.addServlet("health", new HealthServlet());
          r.setAsyncSupported(true);
          r.addMapping("/health/*");
        })) {
      assertThat(get(c.uri("/health")).body()).isEqualTo(DEGRADED);
      HttpResponse<String> ops = HTTP.send(HttpRequest.newBuilder(c.uri("/health")).header("X-Role", "ops")
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ops.body()).contains("components", "PostgreSQL 15.8");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void withoutARegistryInitFailsNamingTheAttribute(ServletContainer.Kind kind) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Throwable> wrongType = new AtomicReference<>();
    try (ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(), ctx -> {
      failure.set(initFailure(new HealthServlet(), ctx, Map.of()));
      ctx.setAttribute("my.registry", "not a registry");
      wrongType.set(initFailure(new HealthServlet(), ctx,
          Map.of(HealthServlet.REGISTRY_ATTRIBUTE_PARAMETER, "my.registry")));
    })) {
      assertThat(failure.get()).isInstanceOf(ServletException.class)
          .hasMessageContaining("has no HealthRegistry")
          .hasMessageContaining("\"" + HealthServlet.REGISTRY_ATTRIBUTE + "\"")
          .hasMessageContaining("Health has no facade");
      assertThat(wrongType.get()).isInstanceOf(ServletException.class)
          .hasMessageContaining("\"my.registry\" must hold a com.englog.observability.health.HealthRegistry")
          .hasMessageContaining("java.lang.String");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void probesWaitingForACheckHoldNoContainerThread(ServletContainer.Kind kind) throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
            .add("db", context -> {
              entered.countDown();
              release.await();
              return Health.up().build();
            }, o -> o.noCache().deadline(Duration.ofMinutes(1)))
            .add("heap", context -> Health.up().build(), o -> o.groups(HealthRegistry.LIVENESS))
            .build();
        ServletContainer.Running c = kind.start(ServletContainer.Options.defaults().withMaxThreads(4),
            ctx -> HealthServlet.register(ctx, new HealthServlet(registry)))) {
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        waiting.add(HTTP.sendAsync(HttpRequest.newBuilder(c.uri("/health/ready")).timeout(Duration.ofSeconds(60))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      // More probes wait than the pool has threads; liveness and a 404 are still answered.
      for (int i = 0; i < 8; i++) {
        assertThat(get(c.uri("/health/live")).statusCode()).isEqualTo(200);
      }
      assertThat(get(c.uri("/health/nothing")).statusCode()).isEqualTo(404);
      assertThat(waiting).noneMatch(CompletableFuture::isDone);
      release.countDown();
      for (CompletableFuture<HttpResponse<String>> f : waiting) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"UP\"}");
      }
    } finally {
      release.countDown();
    }
  }

  private static Throwable initFailure(HealthServlet servlet, ServletContext ctx, Map<String, String> params) {
    try {
      servlet.init(new Config(ctx, params));
      return null;
    } catch (ServletException | RuntimeException e) {
      return e;
    }
  }

  /** The content type as written, without the blank containers may or may not put after the ';'. */
  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("").replace(" ", "");
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return get(uri, null);
  }

  private static HttpResponse<String> get(URI uri, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitBody(URI uri, String body) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!get(uri).body().equals(body)) {
      assertThat(System.nanoTime()).as("%s never answered %s", uri, body).isLessThan(until);
      Thread.sleep(20);
    }
  }

  /** The configuration a container hands a servlet: its context, a name and init parameters. */
  private record Config(ServletContext context, Map<String, String> params) implements ServletConfig {
    @Override
    public String getServletName() {
      return "health";
    }

    @Override
    public ServletContext getServletContext() {
      return context;
    }

    @Override
    public String getInitParameter(String name) {
      return params.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
      return Collections.enumeration(params.keySet());
    }
  }
}
