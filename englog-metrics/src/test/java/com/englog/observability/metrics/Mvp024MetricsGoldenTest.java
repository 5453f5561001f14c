package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metrics MVP-024 defined, after a known sequence of calls, compared line by line with golden
 * files written by hand from the calls below (names, label order, bucket counts, sums). Both
 * exposition formats.
 */
class Mvp024MetricsGoldenTest {

  static final List<String> MVP_024_FAMILIES = List.of(
      "englog_ai_processing_duration_seconds", "englog_ai_processing_errors",
      "englog_business_journals_created", "englog_cache_hits", "englog_cache_misses",
      "englog_database_connections_active", "englog_database_connections_idle",
      "englog_database_connections_max", "englog_database_connections_pending",
      "englog_database_query_duration_seconds", "englog_http_request_duration_seconds",
      "englog_http_requests", "englog_users_active", "englog_users_sessions");

  /** An AI SDK's exception type, classified by its name. */
  static final class RateLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RateLimitException(String message) {
      super(message);
    }
  }

  static EnglogMetrics recordKnownCalls() {
    EnglogMetrics m = EnglogMetrics.builder().clock(Clock.fixed(Instant.ofEpochMilli(1), ZoneOffset.UTC)).jvmMetrics(false).build();
    m.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(30));
    m.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(120));
    m.recordHttpRequest("POST", "/api/v1/journals", 201, Duration.ofSeconds(2));
    m.recordHttpRequest("GET", "/api/v1/journals/{id}", 500, Duration.ofSeconds(7));
    m.recordJournalCreated("u-1", "text");
    m.recordJournalCreated("u-2", "text");
    m.recordJournalCreated("u-1", "voice");
    m.recordAiProcessing("summarize", "openai", Duration.ofSeconds(4), null);
    m.recordAiProcessing("summarize", "openai", Duration.ofSeconds(65), new SocketTimeoutException("x"));
    m.recordAiProcessing("tag", "anthropic", Duration.ofMillis(500),
        new RateLimitException("quota of user 42 exceeded"));
    m.recordDatabaseQuery("select", "journals", Duration.ofMillis(2));
    m.recordDatabaseQuery("insert", "journals", Duration.ofMillis(40));
    m.recordCacheHit("redis", "user:*");
    m.recordCacheHit("redis", "user:*");
    m.recordCacheMiss("redis", "journal:*");
    m.updateActiveUsers(42, "1h");
    m.updateActiveUsers(310, "24h");
    m.recordUserSession("password");
    m.recordUserSession("oauth");
    m.recordUserSession("password");
    m.bindConnectionPool("main", () -> 3, () -> 7, () -> 10, () -> 0);
    return m;
  }

  @Test
  void prometheusTextMatchesTheGoldenFile() throws IOException {
    try (EnglogMetrics m = recordKnownCalls()) {
      String body = m.scrapeHandler().handle("text/plain;version=0.0.4").bodyText();
      assertThat(mvp024FamiliesOnly(body, false)).isEqualTo(golden("golden/mvp-024-metrics.prom"));
    }
  }

  @Test
  void openMetricsTextMatchesTheGoldenFile() throws IOException {
    try (EnglogMetrics m = recordKnownCalls()) {
      String body = m.scrapeHandler().handle("application/openmetrics-text; version=1.0.0").bodyText();
      assertThat(mvp024FamiliesOnly(body, true)).isEqualTo(golden("golden/mvp-024-metrics.om"));
    }
  }

  /** Keeps the HELP/TYPE blocks of the MVP-024 families (and their _max gauges) in exposition order. */
  static String mvp024FamiliesOnly(String body, boolean openMetrics) {
    List<String> out = new ArrayList<>();
    boolean keep = false;
    for (String line : body.split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String name = line.split(" ")[2];
        String base = openMetrics ? name : name.replaceAll("_total$", "");
        keep = MVP_024_FAMILIES.contains(base)
            || base.endsWith("_max") && MVP_024_FAMILIES.contains(base.substring(0, base.length() - 4));
      } else if (line.startsWith("# EOF")) {
        keep = false;
      }
      if (keep) {
        out.add(line);
      }
    }
    return String.join("\n", out) + "\n";
  }

  static String golden(String resource) throws IOException {
    try (InputStream in = Mvp024MetricsGoldenTest.class.getResourceAsStream("/" + resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
