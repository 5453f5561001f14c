package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.HttpRecorder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without Prometheus: usage errors, endpoint probes, exit codes, Slack delivery. */
class HealthCheckCliTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private ExitCode run(Map<String, String> env, String... args) {
    return HealthCheckCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void usageErrorsExitWith2AndSayWhy() throws Exception {
    assertThat(run(Map.of(), "--bogus")).isEqualTo(ExitCode.USAGE);
    assertThat(stderr()).contains("englog-healthcheck: Unknown option: '--bogus'", "Usage: englog-healthcheck");
    assertThat(run(Map.of(), "--sla", "2d", "--config", "x.yml")).isEqualTo(ExitCode.USAGE);
    assertThat(stderr()).contains("englog-healthcheck: Invalid value for option '--sla': must be one of 1h, 24h, 7d, 30d, was 2d");
    assertThat(run(Map.of(), "--profile", "production", "staging")).isEqualTo(ExitCode.USAGE);
    assertThat(stderr()).contains("the profile is given twice: --profile production and staging");
    err.reset();
    assertThat(run(Map.of(), "--config", dir.resolve("nope.yml").toString())).isEqualTo(ExitCode.USAGE);
    assertThat(stderr()).startsWith("englog-healthcheck: cannot read configuration");
  }

  @Test
  void helpAndVersionComeFromTheParserAndExitZero() throws Exception {
    assertThat(run(Map.of(), "--help")).isEqualTo(ExitCode.HEALTHY);
    assertThat(stdout()).startsWith("Usage: englog-healthcheck [-hV] [--json] [--no-notify] [--config=FILE]")
        .contains("--sla=WINDOW", "--version", "Exit codes:", "2   usage or configuration error");
    assertThat(stderr()).isEmpty();
    out.reset();
    assertThat(run(Map.of(), "-V")).isEqualTo(ExitCode.HEALTHY);
    assertThat(stdout()).startsWith("englog-healthcheck ");
  }

  @Test
  void aFailedEndpointIsNamedByItsUrlWithoutCredentialsOrQuery() throws Exception {
    // Three checks on one host that cannot be reached fail with the same reason; the URL tells them apart.
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String base = "http://ops:s3cret@127.0.0.1:" + closed;
    Path config = dir.resolve("hc.yml");
    Files.writeString(config, "endpoints:\n"
        + "  - {name: API Health, url: '" + base + "/health?token=abc', timeout: 2s}\n"
        + "  - {name: API Database Health, url: '" + base + "/health/db', timeout: 2s}\n"
        + "  - {name: API Redis Health, url: '" + base + "/health/redis#x', timeout: 2s, critical: false}\n");

    assertThat(run(Map.of(), "--config", config.toString(), "--no-notify")).isEqualTo(ExitCode.UNHEALTHY);
    String url = "http://127.0.0.1:" + closed;
    assertThat(stdout()).as(stdout())
        .containsPattern("FAIL  API Health +\\S.* for " + url + "/health\n")
        .containsPattern("FAIL  API Database Health +\\S.* for " + url + "/health/db\n")
        .containsPattern("WARN  API Redis Health +\\S.* for " + url + "/health/redis\n")
        .doesNotContain("s3cret", "ops:", "token", "abc", "#x");

    out.reset();
    assertThat(run(Map.of(), "--config", config.toString(), "--no-notify", "--json")).isEqualTo(ExitCode.UNHEALTHY);
    assertThat(stdout()).contains("\"url\":\"" + url + "/health\"", "\"url\":\"" + url + "/health/db\"",
        "\"url\":\"" + url + "/health/redis\"").doesNotContain("s3cret", "token", " for http");
  }

  @Test
  void endpointProbesPassAndFailWithExpectedStatusAndSlackGetsTheSummary() throws Exception {
    try (HttpRecorder api = HttpRecorder.start(); HttpRecorder slack = HttpRecorder.start()) {
      Path config = dir.resolve("hc.yml");
      Files.writeString(config, "profiles:\n  it:\n    variables: {apiUrl: 'http://127.0.0.1:" + api.port() + "'}\n"
          + "slack: {webhookUrlEnv: SLACK_URL, notify: always}\n"
          + "endpoints:\n  - {name: API Health, url: '${apiUrl}/health', timeout: 2s}\n"
          + "  - {name: Optional thing, url: '${apiUrl}/optional', expectedStatus: 204, critical: false}\n");
      Map<String, String> env = Map.of("SLACK_URL", slack.uri("/services/T000/B000/XXX").toString(),
          "ENGLOG_HEALTHCHECK_CONFIG", config.toString());

      ExitCode healthy = run(env);
      assertThat(healthy).as(stdout() + stderr()).isEqualTo(ExitCode.HEALTHY);
      assertThat(stdout()).containsPattern("PASS  API Health +200 in \\d+ ms").contains("WARN  Optional thing",
          "HTTP 200 (expected 204)", "HEALTHY: all 2 checks passed (1 warning)");
      String post = slack.awaitRequests(1, Duration.ofSeconds(10)).get(0).bodyAsString();
      assertThat(post).contains("\"text\":\":white_check_mark: Health check HEALTHY (it)\"", "\"color\":\"good\"");

      api.respondWith(503, "down");
      out.reset();
      assertThat(run(env, "--json", "--no-notify")).isEqualTo(ExitCode.UNHEALTHY);
      assertThat(stdout()).contains("\"status\":\"UNHEALTHY\"", "\"message\":\"HTTP 503 (expected 200)\"",
          "\"status_code\":503");
      assertThat(slack.requests()).hasSize(1);
    }
  }

  @Test
  void jsonReportIsTheGoldenFile() throws Exception {
    String golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/healthcheck-report.json")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try (HttpRecorder api = HttpRecorder.start()) {
      api.respondWith(200, "{\"status\":\"UP\"}");
      Path config = dir.resolve("hc.yml");
      Files.writeString(config, "profiles:\n  production:\n    variables: {apiUrl: 'http://127.0.0.1:" + api.port()
          + "'}\nendpoints:\n  - {name: API Health, url: '${apiUrl}/health'}\n"
          + "  - {name: Optional thing, url: '${apiUrl}/optional', expectedStatus: 204, critical: false}\n");

      assertThat(run(Map.of(), "--config=" + config, "--json")).isEqualTo(ExitCode.HEALTHY);

      // What differs from run to run: the time, the port, how long each probe took.
      String normalised = stdout().strip()
          .replaceAll("\"checked_at\":\"[^\"]+\"", "\"checked_at\":\"2026-11-28T03:00:00Z\"")
          .replace("127.0.0.1:" + api.port() + "/", "api.englog.com/")
          .replaceAll("\"duration_ms\":\\d+", "\"duration_ms\":16")
          .replaceAll("200 in \\d+ ms", "200 in 16 ms");
      assertThat(normalised).isEqualTo(golden);
    }
  }

  @Test
  void endpointProbesJudgeTheStatusCodeWhicheverSpellingTheHealthJsonUses() throws Exception {
    // A probe reads the status code only: services still on the camelCase health JSON of pre-release
    // builds and services on snake_case pass and fail alike.
    String camel = "{\"status\":\"%s\",\"group\":\"all\",\"generatedAt\":\"2026-01-01T00:00:00Z\",\"components\":"
        + "{\"db\":{\"status\":\"%s\",\"durationMs\":1.5,\"checkedAt\":\"2026-01-01T00:00:00Z\",\"ageMs\":10}}}";
    String snake = camel.replace("generatedAt", "generated_at").replace("durationMs", "duration_ms")
        .replace("checkedAt", "checked_at").replace("ageMs", "age_ms");
    try (HttpRecorder older = HttpRecorder.start(); HttpRecorder newer = HttpRecorder.start()) {
      Path config = dir.resolve("hc.yml");
      Files.writeString(config, "endpoints:\n  - {name: Older service, url: '" + older.uri("/health") + "'}\n"
          + "  - {name: Newer service, url: '" + newer.uri("/health") + "'}\n");
      older.respondWith(200, String.format(camel, "UP", "UP"));
      newer.respondWith(200, String.format(snake, "UP", "UP"));

      assertThat(run(Map.of(), "--config", config.toString(), "--no-notify")).isEqualTo(ExitCode.HEALTHY);
      assertThat(stdout()).contains("PASS  Older service", "PASS  Newer service");

      older.respondWith(503, String.format(camel, "DOWN", "DOWN"));
      newer.respondWith(503, String.format(snake, "DOWN", "DOWN"));
      out.reset();
      assertThat(run(Map.of(), "--config", config.toString(), "--no-notify")).isEqualTo(ExitCode.UNHEALTHY);
      assertThat(stdout()).contains("FAIL  Older service  HTTP 503 (expected 200)",
          "FAIL  Newer service  HTTP 503 (expected 200)");
    }
  }

  @Test
  void undeliverableSlackSummaryExitsWith3WithoutPrintingTheWebhookUrl() throws Exception {
    try (HttpRecorder api = HttpRecorder.start(); HttpRecorder slack = HttpRecorder.start()) {
      slack.respondWith(500, "no");
      Path config = dir.resolve("hc.yml");
      Files.writeString(config, "slack: {webhookUrlFile: '" + dir.resolve("webhook") + "'}\n"
          + "endpoints:\n  - {name: API Health, url: '" + api.uri("/health") + "'}\n");
      Files.writeString(dir.resolve("webhook"), slack.uri("/services/SECRET-PART") + "\n");

      assertThat(run(Map.of(), "--config", config.toString())).isEqualTo(ExitCode.NOTIFICATION_FAILED);
      assertThat(stderr()).contains("answered HTTP 500").doesNotContain("SECRET-PART");
    }
  }

  @Test
  void slaReportAgainstSomethingThatIsNotPrometheusExitsWith1AndSaysWhy() throws Exception {
    try (HttpRecorder notPrometheus = HttpRecorder.start()) {
      notPrometheus.respondWith(200, "application/json",
          "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":\"x\"}]}}"
              .getBytes(StandardCharsets.UTF_8));
      Path config = dir.resolve("hc.yml");
      Files.writeString(config, "prometheus: {url: '" + notPrometheus.uri("/") + "'}\n");

      assertThat(run(Map.of(), "--config", config.toString(), "--sla", "7d")).isEqualTo(ExitCode.UNHEALTHY);
      assertThat(stderr()).contains("cannot read the SLO series from Prometheus",
          "with JSON that is not a query result");
    }
  }
}
