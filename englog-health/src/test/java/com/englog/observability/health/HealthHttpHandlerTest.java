package com.englog.observability.health;

import com.englog.observability.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.common.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health endpoint over real HTTP (the JDK's server), as a load balancer and an operator see it. */
class HealthHttpHandlerTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private HealthRegistry registry;
  private HealthEndpoint endpoint;

  @AfterEach
  void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private URI serve(HealthRegistry registry, HealthAccess access) {
    this.registry = registry;
    endpoint = new HealthEndpoint(registry, access);
    return endpoint.uri("");
  }

  private HttpResponse<String> get(URI uri, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return endpoint.send(request);
  }

  private HealthRegistry degradedService() {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO).clock(clock)
        .add("db", context -> Health.up().detail("database", "PostgreSQL 15.8").build(),
            o -> o.groups(HealthRegistry.READINESS, HealthRegistry.STARTUP, "storage"))
        .add("ai", context -> Health.down("HTTP 503 (expected 2xx)").detail("status_code", 503).build(),
            o -> o.nonCritical())
        .build();
  }

  @Test
  void anonymousCallersSeeTheStatusOnlyAndAuthorisedOnesTheDetails(@TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "s3cret-token\n");
    URI base = serve(degradedService(), HealthAccess.bearerToken(Secret.fromFile(tokenFile)));

    HttpResponse<String> anonymous = get(base.resolve("/health"), null);
    HttpResponse<String> wrongToken = get(base.resolve("/health"), "s3cret-tokeX");
    HttpResponse<String> authorised = get(base.resolve("/health"), "s3cret-token");

    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).isEqualTo("{\"status\":\"DEGRADED\"}");
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(anonymous.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(wrongToken.body()).isEqualTo("{\"status\":\"DEGRADED\"}");
    assertThat(authorised.statusCode()).isEqualTo(200);
    assertThat(authorised.body()).contains("\"ai\":{\"status\":\"DOWN\"", "HTTP 503", "PostgreSQL 15.8");
  }

  @Test
  void detailedReportMatchesTheGoldenFile() throws Exception {
    URI base = serve(degradedService(), HealthAccess.always());
    get(base.resolve("/health"), null);
    clock.advance(Duration.ofMillis(1500));

    String body = get(base.resolve("/health"), null).body();

    // Durations vary from run to run; everything else is fixed by the injected clock.
    String normalised = body.replaceAll("\"duration_ms\":[0-9.]+", "\"duration_ms\":0");
    assertThat(normalised).isEqualTo(golden("health-report.json"));
  }

  @Test
  void nonCriticalDependencyDownIsDegradedAnd200ButCriticalDownIs503() throws Exception {
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.down("connection refused").build())
        .add("ai", context -> Health.down("HTTP 500").build(), o -> o.nonCritical())
        .build(), HealthAccess.never());

    assertThat(get(base.resolve("/health/db"), null).statusCode()).isEqualTo(503);
    assertThat(get(base.resolve("/health/ready"), null).statusCode()).isEqualTo(503);
    assertThat(get(base.resolve("/health"), null).body()).isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(get(base.resolve("/health/live"), null).statusCode()).isEqualTo(200);
  }

  @Test
  void aNonCriticalComponentsOwnPathReportsItsOwnStatusWhileGroupPathsKeepTheirRule() throws Exception {
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().build())
        .add("redis", context -> Health.down("Connection refused").build(),
            o -> o.nonCritical().groups(HealthRegistry.READINESS, "cache"))
        .add("ai", context -> Health.degraded("slow").build(), o -> o.nonCritical())
        .build(), HealthAccess.never());

    // A probe of the component alone sees the outage ...
    HttpResponse<String> redis = get(base.resolve("/health/redis"), null);
    assertThat(redis.statusCode()).isEqualTo(503);
    assertThat(redis.body()).isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(get(base.resolve("/health/redis/"), null).statusCode()).isEqualTo(503);
    HttpResponse<String> head = endpoint.send(HttpRequest.newBuilder(base.resolve("/health/redis"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)));
    assertThat(head.statusCode()).isEqualTo(503);
    HttpResponse<String> ai = get(base.resolve("/health/ai"), null);
    assertThat(ai.statusCode()).isEqualTo(200);
    assertThat(ai.body()).isEqualTo("{\"status\":\"DEGRADED\"}");
    // ... while every group, a custom group of that one component included, only degrades.
    for (String group : new String[] {"/health", "/health/ready", "/health/cache"}) {
      HttpResponse<String> response = get(base.resolve(group), null);
      assertThat(response.statusCode()).as(group).isEqualTo(200);
      assertThat(response.body()).as(group).isEqualTo("{\"status\":\"DEGRADED\"}");
    }
    assertThat(registry.status("redis")).isEqualTo(Status.DOWN);
    assertThat(registry.check("redis").status()).isEqualTo(Status.DOWN);
    assertThat(registry.status("cache")).isEqualTo(Status.DEGRADED);
  }

  @Test
  void authorisedCallersOfANonCriticalComponentsPathGetItsOwnStatusAndTheCode() throws Exception {
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("redis", context -> Health.down("Connection refused").build(), o -> o.nonCritical())
        .build(), HealthAccess.always());

    HttpResponse<String> redis = get(base.resolve("/health/redis"), null);
    HttpResponse<String> all = get(base.resolve("/health"), null);

    assertThat(redis.statusCode()).isEqualTo(503);
    assertThat(redis.body()).startsWith("{\"status\":\"DOWN\",\"group\":\"redis\"")
        .contains("\"critical\":false", "Connection refused");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body()).startsWith("{\"status\":\"DEGRADED\",\"group\":\"all\"");
  }

  @Test
  void unknownIs503ForReadinessAndStartupButNotForLiveness() throws Exception {
    HealthIndicator unknown = context -> Health.unknown("warming up").build();
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("cache", unknown, o -> o.groups(HealthRegistry.LIVENESS, HealthRegistry.READINESS,
            HealthRegistry.STARTUP))
        .build(), HealthAccess.never());

    assertThat(get(base.resolve("/health/live"), null).statusCode()).isEqualTo(200);
    assertThat(get(base.resolve("/health/ready"), null).statusCode()).isEqualTo(503);
    assertThat(get(base.resolve("/health/started"), null).statusCode()).isEqualTo(503);
    assertThat(get(base.resolve("/health/started"), null).body()).isEqualTo("{\"status\":\"UNKNOWN\"}");
  }

  @Test
  void componentPathsOfTheMvp024ScriptAnswerAndUnknownPathsAre404() throws Exception {
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().build())
        .add("redis", context -> Health.up().build())
        .build(), HealthAccess.never());

    assertThat(get(base.resolve("/health/db"), null).statusCode()).isEqualTo(200);
    assertThat(get(base.resolve("/health/redis/"), null).statusCode()).isEqualTo(200);
    HttpResponse<String> missing = get(base.resolve("/health/%3Cscript%3E"), null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).doesNotContain("script");
    assertThat(get(base.resolve("/health/db/extra"), null).statusCode()).isEqualTo(404);
    assertThat(get(base.resolve("/healthz"), null).statusCode()).isEqualTo(404);
  }

  @Test
  void aComponentOrGroupNamedLikeAProbePathIsRefused() {
    try (HealthRegistry component = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
            .add("ready", context -> Health.up().build()).build();
        HealthRegistry group = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
            .add("db", context -> Health.up().build(), o -> o.groups("live")).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthHandler.builder(component).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a component or group called \"ready\" cannot be served: /health/ready is the readiness probe");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthHandler.builder(group).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a component or group called \"live\" cannot be served: /health/live is the liveness probe");
    }
  }

  @Test
  void onlyGetAndHeadAreAllowed() throws Exception {
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.up().build()).build(), HealthAccess.never());

    HttpResponse<String> post = endpoint.send(HttpRequest.newBuilder(base.resolve("/health"))
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    HttpResponse<String> head = endpoint.send(HttpRequest.newBuilder(base.resolve("/health"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void headSendsTheContentLengthOfGet() {
    URI base = serve(HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.down("refused").build()).build(), HealthAccess.never());
    for (String path : new String[] {"/health", "/health/ready", "/health/live", "/health/nothing"}) {
      HttpResponse<String> get = endpoint.send(HttpRequest.newBuilder(base.resolve(path)));
      HttpResponse<String> head = endpoint.send(HttpRequest.newBuilder(base.resolve(path))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
      assertThat(head.body()).as(path).isEmpty();
      assertThat(head.headers().firstValue("Content-Length")).as(path)
          .hasValue(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length));
      assertThat(head.headers().firstValue("Content-Type")).as(path).hasValue("application/json; charset=utf-8");
    }
    HealthHandler handler = HealthHandler.builder(registry).access(HealthAccess.always()).build();
    HealthResponse headAnswer = handler.handle(HealthRequest.of("HEAD", "/health/db", h -> null));
    assertThat(headAnswer.bodyLength()).isZero();
    assertThat(headAnswer.bodyAsString()).isEmpty();
    assertThat(headAnswer.contentLength()).isPositive();
  }

  @Test
  void predicateAccessAndAThrowingPredicateFailClosed() {
    registry = degradedService();
    HealthHandler byHeader = HealthHandler.builder(registry)
        .access(HealthAccess.when(r -> "ops".equals(r.header("X-Role")))).build();
    HealthHandler throwing = HealthHandler.builder(registry)
        .access(HealthAccess.when(r -> {
          throw new IllegalStateException("boom");
        })).build();

    assertThat(byHeader.handle(HealthRequest.of("GET", "/health", h -> "ops")).bodyAsString()).contains("components");
    assertThat(byHeader.handle(HealthRequest.of("GET", "/health", h -> null)).bodyAsString())
        .isEqualTo("{\"status\":\"DEGRADED\"}");
    assertThat(throwing.handle(HealthRequest.of("GET", "/health", h -> "ops")).bodyAsString())
        .isEqualTo("{\"status\":\"DEGRADED\"}");
  }

  @Test
  void missingOrEmptyTokenFileAuthorisesNobody(@TempDir Path dir) throws Exception {
    registry = degradedService();
    Path tokenFile = dir.resolve("token");
    HealthHandler handler = HealthHandler.builder(registry)
        .access(HealthAccess.bearerToken(Secret.fromFile(tokenFile))).build();

    assertThat(handler.handle(HealthRequest.of("GET", "/health", h -> "Bearer ")).bodyAsString())
        .doesNotContain("components");
    Files.writeString(tokenFile, "");
    assertThat(handler.handle(HealthRequest.of("GET", "/health", h -> "Bearer ")).bodyAsString())
        .doesNotContain("components");
  }

  @Test
  void hostileReasonsAreEscapedInJson() {
    registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", context -> Health.down("quote \" backslash \\ tab \t nul \u0000 </script> \ud800").build())
        .build();
    String body = HealthHandler.builder(registry).access(HealthAccess.always()).build()
        .handle(HealthRequest.of("GET", "/health", h -> null)).bodyAsString();

    assertThat(body).contains("\"reason\":\"quote \\\" backslash \\\\ tab   nul   </script> \ufffd\"");
  }

  /** A number type a library might hand over whose {@code toString} is not a JSON number. */
  static final class HostileNumber extends Number {
    private static final long serialVersionUID = 1L;

    @Override
    public int intValue() {
      return 7;
    }

    @Override
    public long longValue() {
      return 7;
    }

    @Override
    public float floatValue() {
      return 7.5f;
    }

    @Override
    public double doubleValue() {
      return 7.5;
    }

    @Override
    public String toString() {
      return "1,\"injected\":true";
    }
  }

  @Test
  void detailsOfAnyNumberTypeStayValidJsonAndKeepTheirValueAtCheckTime() throws Exception {
    java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong(41);
    registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("queue", context -> Health.up().detail("custom", new HostileNumber())
            .detail("pending", counter).detail("big", new java.math.BigDecimal("1E+3")).build())
        .build();
    HealthHandler handler = HealthHandler.builder(registry).access(HealthAccess.always()).build();
    registry.check();
    counter.incrementAndGet();

    com.fasterxml.jackson.databind.JsonNode details = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(handler.handle(HealthRequest.of("GET", "/health", h -> null)).bodyAsString())
        .path("components").path("queue").path("details");

    assertThat(details.has("injected")).isFalse();
    assertThat(details.path("custom").isNumber()).isTrue();
    assertThat(details.path("custom").asDouble()).isEqualTo(7.5);
    assertThat(details.path("pending").asLong()).as("the value when the check ran").isEqualTo(41);
    assertThat(details.path("big").asDouble()).isEqualTo(1000.0);
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = HealthHttpHandlerTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}
