package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.PrometheusServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK HTTP adapter over real loopback HTTP: authentication, methods, gzip, and a real Prometheus. */
class MetricsHttpServerIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir Path dir;
  private EnglogMetrics metrics;
  private MetricsHttpServer server;

  @BeforeEach
  void record() {
    metrics = EnglogMetrics.builder().jvmMetrics(false).build();
    metrics.recordJournalCreated("u-1", "text");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    metrics.close();
  }

  private MetricsHttpServer.Builder builder() {
    return MetricsHttpServer.builder(metrics.scrapeHandler()).host("127.0.0.1").port(0)
        .lookups(k -> null, k -> null);
  }

  private Path tokenFile(String token) throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, token + "\n");
    return file;
  }

  private static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> send(URI uri, String method) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void refusesCallersWithoutTheRightToken() throws Exception {
    server = builder().bearerTokenFile(tokenFile("s3cret-token")).start();

    HttpResponse<byte[]> none = get(server.uri());
    HttpResponse<byte[]> wrong = get(server.uri(), "Authorization", "Bearer nope");
    HttpResponse<byte[]> basic = get(server.uri(), "Authorization", "Basic czNjcmV0LXRva2Vu");
    HttpResponse<byte[]> prefix = get(server.uri(), "Authorization", "Bearer s3cret-toke");
    HttpResponse<byte[]> right = get(server.uri(), "Authorization", "Bearer s3cret-token");
    HttpResponse<byte[]> scheme = get(server.uri(), "Authorization", "bearer   s3cret-token ");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
    assertThat(text(none)).doesNotContain("englog_");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(prefix.statusCode()).isEqualTo(401);
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(text(right)).contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0");
    assertThat(scheme.statusCode()).isEqualTo(200);
  }

  @Test
  void servesAnonymousCallersOnlyWhenConfigured() throws Exception {
    assertThatThrownBy(() -> builder().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowAnonymous");

    server = builder().allowAnonymous().start();
    assertThat(get(server.uri()).statusCode()).isEqualTo(200);
  }

  @Test
  void readsTheTokenFromAnEnvironmentVariable() throws Exception {
    server = builder().lookups(k -> null, java.util.Map.of("ENGLOG_TEST_METRICS_TOKEN", "from-env")::get)
        .bearerTokenEnv("ENGLOG_TEST_METRICS_TOKEN").start();
    assertThat(get(server.uri(), "Authorization", "Bearer from-env").statusCode()).isEqualTo(200);
    assertThat(get(server.uri()).statusCode()).isEqualTo(401);
  }

  @Test
  void aMissingOrEmptyTokenRefusesEveryRequestUntilTheFileHoldsOne() throws Exception {
    try (MetricsHttpServer unset = builder().bearerTokenEnv("ENGLOG_TEST_UNSET_VARIABLE").start()) {
      assertThat(get(unset.uri()).statusCode()).isEqualTo(401);
      assertThat(get(unset.uri(), "Authorization", "Bearer ").statusCode()).isEqualTo(401);
    }
    try (MetricsHttpServer empty = builder().bearerTokenFile(tokenFile("  ")).start()) {
      assertThat(get(empty.uri(), "Authorization", "Bearer ").statusCode()).isEqualTo(401);
      assertThat(get(empty.uri(), "Authorization", "Bearer  ").statusCode()).isEqualTo(401);
    }

    // A secret mounted after the service started: refused while absent, accepted once it appears.
    Path later = dir.resolve("mounted-later");
    server = builder().bearerTokenFile(later).start();
    HttpResponse<byte[]> absent = get(server.uri(), "Authorization", "Bearer late-token");
    assertThat(absent.statusCode()).isEqualTo(401);
    assertThat(text(absent)).doesNotContain("englog_");
    Files.writeString(later, "late-token\n");
    assertThat(awaitStatus("late-token", 200)).as("the token file that appeared is accepted")
        .isEqualTo(200);
    assertThat(get(server.uri(), "Authorization", "Bearer other").statusCode()).isEqualTo(401);
    assertThat(get(server.uri()).statusCode()).isEqualTo(401);
  }

  @Test
  void theFormerTokenFileNamesStillWorkAfterTheCurrentOnes() throws Exception {
    Path current = dir.resolve("current-token");
    Files.writeString(current, "current-token");
    Path former = dir.resolve("former-token");
    Files.writeString(former, "former-token");

    server = MetricsHttpServer.builder(metrics.scrapeHandler()).host("127.0.0.1").port(0)
        .lookups(k -> k.equals("englog.metrics.bearer-token-file") ? former.toString() : null,
            k -> k.equals("ENGLOG_METRICS_TOKEN_FILE") ? current.toString() : null)
        .start();
    // The former system property still wins over the environment, as it did.
    assertThat(get(server.uri(), "Authorization", "Bearer former-token").statusCode()).isEqualTo(200);
    server.close();

    server = MetricsHttpServer.builder(metrics.scrapeHandler()).host("127.0.0.1").port(0)
        .lookups(k -> null, k -> k.equals("ENGLOG_METRICS_BEARER_TOKEN_FILE") ? former.toString()
            : k.equals("ENGLOG_METRICS_TOKEN_FILE") ? current.toString() : null)
        .start();
    assertThat(get(server.uri(), "Authorization", "Bearer current-token").statusCode()).isEqualTo(200);
    assertThat(get(server.uri(), "Authorization", "Bearer former-token").statusCode()).isEqualTo(401);
    server.close();

    server = MetricsHttpServer.builder(metrics.scrapeHandler()).host("127.0.0.1").port(0)
        .lookups(k -> null, k -> k.equals("ENGLOG_METRICS_BEARER_TOKEN_FILE") ? former.toString() : null)
        .start();
    assertThat(get(server.uri(), "Authorization", "Bearer former-token").statusCode()).isEqualTo(200);
  }

  @Test
  void systemPropertyAndEnvironmentNameTheTokenFileAndWinOverTheBuilder() throws Exception {
    Path env = dir.resolve("env-token");
    Files.writeString(env, "env-token");
    Path prop = dir.resolve("prop-token");
    Files.writeString(prop, "prop-token");
    Path code = tokenFile("code-token");

    server = MetricsHttpServer.builder(metrics.scrapeHandler()).host("127.0.0.1").port(0)
        .lookups(k -> k.equals(MetricsHttpServer.TOKEN_FILE_PROPERTY) ? prop.toString() : null,
            k -> k.equals(MetricsHttpServer.TOKEN_FILE_ENV) ? env.toString() : null)
        .bearerTokenFile(code).start();
    assertThat(get(server.uri(), "Authorization", "Bearer prop-token").statusCode()).isEqualTo(200);
    assertThat(get(server.uri(), "Authorization", "Bearer env-token").statusCode()).isEqualTo(401);
    assertThat(get(server.uri(), "Authorization", "Bearer code-token").statusCode()).isEqualTo(401);
    server.close();

    server = MetricsHttpServer.builder(metrics.scrapeHandler()).host("127.0.0.1").port(0)
        .lookups(k -> null, k -> k.equals(MetricsHttpServer.TOKEN_FILE_ENV) ? env.toString() : null)
        .bearerTokenFile(code).start();
    assertThat(get(server.uri(), "Authorization", "Bearer env-token").statusCode()).isEqualTo(200);
  }

  @Test
  void aRotatedTokenFileTakesEffectWithoutRestart() throws Exception {
    Path file = tokenFile("first-token");
    server = builder().bearerTokenFile(file).start();
    assertThat(get(server.uri(), "Authorization", "Bearer first-token").statusCode()).isEqualTo(200);

    Files.writeString(file, "second-token-value");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(awaitStatus("second-token-value", 200)).isEqualTo(200);
    assertThat(get(server.uri(), "Authorization", "Bearer first-token").statusCode()).isEqualTo(401);

    Files.delete(file);
    assertThat(awaitStatus("second-token-value", 401)).isEqualTo(401);
  }

  /**
   * Scrapes with {@code token} until the answer is {@code expected} or 30 s passed; the token file is
   * looked at, at most, once a second, so a change shows within about that (this waits, it does not
   * measure).
   */
  private int awaitStatus(String token, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status = get(server.uri(), "Authorization", "Bearer " + token).statusCode();
    while (status != expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
      status = get(server.uri(), "Authorization", "Bearer " + token).statusCode();
    }
    return status;
  }

  @Test
  void servesOnlyGetAndHeadOnTheExactPath() throws Exception {
    server = builder().allowAnonymous().start();
    assertThat(send(server.uri(), "POST").statusCode()).isEqualTo(405);
    HttpResponse<byte[]> head = send(server.uri(), "HEAD");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(get(server.uri().resolve("/metrics/extra")).statusCode()).isEqualTo(404);
  }

  @Test
  void headSendsTheHeadersAndContentLengthOfGet() throws Exception {
    server = builder().allowAnonymous().start();
    HttpResponse<byte[]> get = get(server.uri(), "Accept-Encoding", "gzip");
    HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(30))
        .header("Accept-Encoding", "gzip").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(get.body().length));
    for (String name : List.of("Content-Type", "Content-Encoding", "Vary", "Cache-Control")) {
      assertThat(head.headers().firstValue(name)).as(name).isPresent().isEqualTo(get.headers().firstValue(name));
    }
    assertThat(get.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(get.headers().firstValue("Vary")).hasValue("Accept, Accept-Encoding");
    assertThat(send(server.uri(), "POST").headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void negotiatesTheFormatAndCompresses() throws Exception {
    server = builder().allowAnonymous().start();
    HttpResponse<byte[]> om = get(server.uri(), "Accept", "application/openmetrics-text; version=1.0.0",
        "Accept-Encoding", "gzip");

    assertThat(om.statusCode()).isEqualTo(200);
    assertThat(om.headers().firstValue("Content-Type")).hasValue(ScrapeHandler.OPENMETRICS_TEXT);
    assertThat(om.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String body;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(om.body()))) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(body).endsWith("# EOF\n");

    HttpResponse<byte[]> text = get(server.uri());
    assertThat(text.headers().firstValue("Content-Type")).hasValue(ScrapeHandler.PROMETHEUS_TEXT);
    assertThat(text.headers().firstValue("Content-Encoding")).isEmpty();
  }

  /** Opens connections that send half a request and then nothing (a slowloris client). */
  private static List<Socket> stalledClients(MetricsHttpServer server, int count) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket s = new Socket("127.0.0.1", server.port());
      OutputStream out = s.getOutputStream();
      out.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      sockets.add(s);
    }
    return sockets;
  }

  /** True when the server closed the connection (end of stream or reset) within a minute. */
  private static boolean closedByServer(Socket s) throws IOException {
    s.setSoTimeout(60_000);
    try (InputStream in = s.getInputStream()) {
      while (in.read() != -1) {
        // a server that answers a half request would be a bug too; the loop then ends at close
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void stalledClientsAreCutOffAndDoNotStarveScrapes() throws Exception {
    server = builder().allowAnonymous().threads(2).requestTimeout(Duration.ofMillis(500)).start();
    // More stalled clients than request threads: before the timeout existed, the first one alone
    // blocked the server's only thread for ever.
    List<Socket> stalled = stalledClients(server, 4);
    try {
      HttpResponse<byte[]> scrape = get(server.uri());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(text(scrape)).contains("englog_business_journals_created_total");
      for (Socket s : stalled) {
        assertThat(closedByServer(s)).as("stalled connection closed by the server").isTrue();
      }
      assertThat(server.timedOutRequests()).isGreaterThanOrEqualTo(stalled.size());
      // The threads are free again and not left interrupted: scrapes keep working.
      for (int i = 0; i < 5; i++) {
        assertThat(get(server.uri()).statusCode()).isEqualTo(200);
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void theRequestTimeoutAlsoGuardsACallersExecutor() throws Exception {
    ExecutorService own = Executors.newFixedThreadPool(1);
    try {
      server = builder().allowAnonymous().executor(own).requestTimeout(Duration.ofMillis(500)).start();
      List<Socket> stalled = stalledClients(server, 2);
      try {
        assertThat(get(server.uri()).statusCode()).isEqualTo(200);
        assertThat(closedByServer(stalled.get(0))).isTrue();
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
      server.close();
      server = null;
      assertThat(own.isShutdown()).as("the caller's executor stays the caller's").isFalse();
    } finally {
      own.shutdownNow();
    }
  }

  @Test
  void closingStopsTheServersThreads() throws Exception {
    server = builder().allowAnonymous().start();
    assertThat(get(server.uri()).statusCode()).isEqualTo(200);
    assertThat(threadsNamed("englog-metrics-http-")).isNotEmpty();
    server.close();
    server = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!threadsNamed("englog-metrics-http-").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(threadsNamed("englog-metrics-http-")).isEmpty();
  }

  private static List<String> threadsNamed(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Test
  void requestSettingsAreValidated() {
    assertThatThrownBy(() -> builder().threads(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads must be between 1 and 64");
    assertThatThrownBy(() -> builder().requestTimeout(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestTimeout must be between 100 ms and 10 minutes");
  }

  @Test
  void aRealPrometheusScrapesWithItsTokenAndSeesTheCatalogNames() throws Exception {
    server = builder().bearerTokenFile(tokenFile("prom-token")).start();
    metrics.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(30));
    try (PrometheusServer prometheus = PrometheusServer.builder()
        .scrape("englog-api", "127.0.0.1:" + server.port(), "/metrics", "prom-token")
        .start()) {
      prometheus.awaitTargetsUp(Duration.ofSeconds(60));

      JsonNode journals = prometheus.awaitQuery("englog_business_journals_created_total",
          r -> r.size() == 1, Duration.ofSeconds(60));
      assertThat(journals.get(0).path("metric").path("entry_type").asText()).isEqualTo("text");
      assertThat(journals.get(0).path("value").get(1).asText()).isEqualTo("1");
      JsonNode quantile = prometheus.awaitQuery("histogram_quantile(0.5, sum by (le) "
          + "(englog_http_request_duration_seconds_bucket))", r -> r.size() == 1, Duration.ofSeconds(60));
      assertThat(quantile.get(0).path("value").get(1).asDouble()).isBetween(0.025, 0.05);
      assertThat(prometheus.query("englog_business_journals_total")).isEmpty();
    }
  }
}
