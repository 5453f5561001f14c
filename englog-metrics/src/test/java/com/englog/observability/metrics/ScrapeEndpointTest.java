package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP rules of a scrape, without a server: status, headers, compression, authentication, HEAD. */
class ScrapeEndpointTest {

  private static final String TOKEN = "s3cret-token";
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";

  @TempDir Path dir;
  private EnglogMetrics metrics;
  private ScrapeEndpoint endpoint;

  @BeforeEach
  void build() throws IOException {
    metrics = EnglogMetrics.builder().jvmMetrics(false).build();
    metrics.recordJournalCreated("u-1", "text");
    Path file = dir.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    endpoint = builder().bearerTokenFile(file).build();
  }

  @AfterEach
  void close() {
    metrics.close();
  }

  private ScrapeEndpoint.Builder builder() {
    return ScrapeEndpoint.builder(metrics.scrapeHandler()).lookups(k -> null, k -> null);
  }

  /** A request whose header names match in any case, as HTTP's do. */
  private static ScrapeRequest request(String method, String... headers) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], headers[i + 1]);
    }
    return ScrapeRequest.of(method, map::get);
  }

  private static ScrapeRequest authorized(String method, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Bearer " + TOKEN;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return request(method, all);
  }

  private static String text(ScrapeResponse r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.writeBody(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aScrapeWithTheTokenGetsTheRegistryWithCachingAndVaryHeaders() throws IOException {
    ScrapeResponse r = endpoint.handle(authorized("GET"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo(ScrapeHandler.PROMETHEUS_TEXT);
    assertThat(r.headers()).containsExactly(Map.entry("Vary", "Accept, Accept-Encoding"),
        Map.entry("Cache-Control", "no-store"));
    String body = text(r);
    assertThat(body).contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0");
    assertThat(r.contentLength()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    assertThat(r.body()).hasSize(r.contentLength());
  }

  @ParameterizedTest(name = "[{index}] Authorization: {0}")
  @ValueSource(strings = {"", "Bearer nope", "Bearer s3cret-toke", "Basic czNjcmV0LXRva2Vu", "s3cret-token"})
  void aScrapeWithoutTheRightTokenGets401AndNoMetrics(String authorization) throws IOException {
    ScrapeResponse r = endpoint.handle(authorization.isEmpty() ? request("GET")
        : request("GET", "Authorization", authorization));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"metrics\"")
        .containsEntry("Cache-Control", "no-store")
        .doesNotContainKey("Content-Encoding");
    assertThat(r.contentType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(text(r)).isEqualTo("unauthorized\n").doesNotContain("englog_");
  }

  @Test
  void theBearerSchemeIsCaseInsensitiveAndSpacesAroundTheTokenDoNotCount() {
    assertThat(endpoint.handle(request("GET", "authorization", "bearer   s3cret-token ")).statusCode())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "get", "BREW"})
  void methodsOtherThanGetAndHeadGet405WithAllowBeforeAnyTokenCheck(String method) throws IOException {
    ScrapeResponse r = endpoint.handle(request(method));

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers()).containsEntry("Allow", "GET, HEAD").containsEntry("Cache-Control", "no-store")
        .doesNotContainKey("WWW-Authenticate");
    assertThat(text(r)).doesNotContain("englog_");
  }

  @Test
  void anonymousAccessServesWithoutATokenButOnlyWhenChosen() {
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the metrics endpoint needs a bearer token")
        .hasMessageContaining("allowAnonymous()");

    ScrapeEndpoint anonymous = builder().allowAnonymous().build();
    assertThat(anonymous.requiresToken()).isFalse();
    assertThat(anonymous.handle(request("GET")).statusCode()).isEqualTo(200);
    assertThat(endpoint.requiresToken()).isTrue();
  }

  @Test
  void theTokenMayComeFromAnEnvironmentVariableAndAnUnsetOneRefusesEverybody() {
    ScrapeEndpoint env = builder().lookups(k -> null, Map.of("ENGLOG_TEST_METRICS_TOKEN", "from-env")::get)
        .bearerTokenEnv("ENGLOG_TEST_METRICS_TOKEN").build();
    assertThat(env.handle(request("GET", "Authorization", "Bearer from-env")).statusCode()).isEqualTo(200);
    assertThat(env.handle(request("GET")).statusCode()).isEqualTo(401);

    ScrapeEndpoint unset = builder().bearerTokenEnv("ENGLOG_TEST_UNSET_VARIABLE").build();
    assertThat(unset.handle(request("GET", "Authorization", "Bearer ")).statusCode()).isEqualTo(401);
  }

  @Test
  void theTokenFileSettingWinsOverTheBuilder() throws IOException {
    Path setting = dir.resolve("setting-token");
    Files.writeString(setting, "setting-token");
    ScrapeEndpoint e = builder()
        .lookups(k -> k.equals(ScrapeEndpoint.TOKEN_FILE_PROPERTY) ? setting.toString() : null, k -> null)
        .bearerTokenFile(dir.resolve("token")).build();

    assertThat(e.handle(request("GET", "Authorization", "Bearer setting-token")).statusCode()).isEqualTo(200);
    assertThat(e.handle(authorized("GET")).statusCode()).isEqualTo(401);
  }

  @Test
  void gzipIsAppliedWhenAcceptedAndRoundTripsToTheSameBody() throws IOException {
    ScrapeResponse plain = endpoint.handle(authorized("GET"));
    ScrapeResponse zipped = endpoint.handle(authorized("GET", "Accept-Encoding", "gzip, deflate, br"));

    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers()).containsEntry("Content-Encoding", "gzip")
        .containsEntry("Vary", "Accept, Accept-Encoding").containsEntry("Cache-Control", "no-store");
    assertThat(zipped.contentType()).isEqualTo(plain.contentType());
    assertThat(zipped.body()).hasSize(zipped.contentLength());
    assertThat(zipped.contentLength()).isLessThan(plain.contentLength());
    assertThat(gunzip(zipped.body())).isEqualTo(text(plain));
  }

  @ParameterizedTest(name = "[{index}] Accept-Encoding: {0} -> gzip {1}")
  @CsvSource(delimiter = '|', value = {
      "gzip | true",
      "GZIP | true",
      "deflate, gzip;q=0.5 | true",
      "gzip;q=1.0 | true",
      "gzip;q=0 | false",
      "gzip; q=0.000 | false",
      "identity | false",
      "deflate, br | false",
      "'' | false",
      "x-gzip | false",
  })
  void acceptEncodingDecidesCompression(String acceptEncoding, boolean gzip) {
    ScrapeResponse r = endpoint.handle(authorized("GET", "Accept-Encoding", acceptEncoding));
    assertThat(r.headers().containsKey("Content-Encoding")).isEqualTo(gzip);
  }

  @Test
  void theAcceptHeaderChoosesOpenMetricsOrPrometheusText() throws IOException {
    ScrapeResponse om = endpoint.handle(authorized("GET", "Accept", OPENMETRICS));
    ScrapeResponse text = endpoint.handle(authorized("GET", "Accept", "text/plain"));

    assertThat(om.contentType()).isEqualTo(ScrapeHandler.OPENMETRICS_TEXT);
    assertThat(text(om)).endsWith("# EOF\n");
    assertThat(text.contentType()).isEqualTo(ScrapeHandler.PROMETHEUS_TEXT);
    assertThat(text(text)).doesNotContain("# EOF");
  }

  @ParameterizedTest(name = "[{index}] Accept-Encoding: {0}")
  @ValueSource(strings = {"identity", "gzip"})
  void headGetsTheHeadersAndContentLengthOfGetAndNoBody(String acceptEncoding) throws IOException {
    ScrapeResponse get = endpoint.handle(authorized("GET", "Accept", OPENMETRICS,
        "Accept-Encoding", acceptEncoding));
    ScrapeResponse head = endpoint.handle(authorized("HEAD", "Accept", OPENMETRICS,
        "Accept-Encoding", acceptEncoding));

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.contentType()).isEqualTo(get.contentType());
    assertThat(head.headers()).isEqualTo(get.headers());
    assertThat(head.contentLength()).isEqualTo(get.contentLength()).isPositive();
    assertThat(head.body()).isEmpty();
    assertThat(text(head)).isEmpty();
  }

  @Test
  void aRefusedHeadGetsTheHeadersOfARefusedGetAndNoBody() throws IOException {
    ScrapeResponse get = endpoint.handle(request("GET"));
    ScrapeResponse head = endpoint.handle(request("HEAD"));

    assertThat(head.statusCode()).isEqualTo(401);
    assertThat(head.headers()).isEqualTo(get.headers());
    assertThat(head.contentLength()).isEqualTo(get.contentLength()).isPositive();
    assertThat(text(head)).isEmpty();
  }

  @Test
  void theDescriptionNamesTheTokenSourceButNeverTheToken() {
    assertThat(endpoint.toString()).contains("file " + dir.resolve("token")).doesNotContain(TOKEN);
    assertThat(builder().allowAnonymous().build().toString()).contains("anonymous");
  }
}
