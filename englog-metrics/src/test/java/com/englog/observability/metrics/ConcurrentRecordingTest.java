package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Exposition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 8 threads × 1,000,000 recordings each (and a session count beside every fourth), racing on the same
 * series (including their creation): every total is exact.
 */
class ConcurrentRecordingTest {

  static final int THREADS = 8;
  static final int PER_THREAD = 1_000_000;

  @Test
  void totalsAreExactUnderContention() throws Exception {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      Duration oneMilli = Duration.ofMillis(1);
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(pool.submit(() -> {
          // An equal copy per thread: found through the map, not by reference like the literal.
          String oauth = new String("oauth");
          start.await();
          for (int i = 0; i < PER_THREAD; i++) {
            switch (i & 3) {
              case 0:
                m.recordCacheHit("redis", "user:*");
                m.recordUserSession((i & 4) == 0 ? "password" : oauth);
                break;
              case 1:
                m.recordCacheHit("redis", "journal:*");
                break;
              case 2:
                m.recordDatabaseQuery("select", "journals", oneMilli);
                break;
              default:
                m.recordHttpRequest("GET", "/api/v1/journals", (i & 4) == 0 ? 200 : 503, oneMilli);
                break;
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();

      Exposition e = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      long quarter = (long) THREADS * PER_THREAD / 4;
      assertThat(e.family("englog_cache_hits_total").value("englog_cache_hits_total",
          Map.of("cache_type", "redis", "key_pattern", "user:*"))).isEqualTo(quarter);
      assertThat(e.family("englog_cache_hits_total").value("englog_cache_hits_total",
          Map.of("cache_type", "redis", "key_pattern", "journal:*"))).isEqualTo(quarter);
      Exposition.Family db = e.family("englog_database_query_duration_seconds");
      assertThat(db.value("englog_database_query_duration_seconds_count",
          Map.of("operation", "select", "table", "journals"))).isEqualTo(quarter);
      assertThat(db.value("englog_database_query_duration_seconds_sum",
          Map.of("operation", "select", "table", "journals"))).isEqualTo(quarter / 1000.0);
      Exposition.Family requests = e.family("englog_http_requests_total");
      assertThat(requests.value("englog_http_requests_total",
          Map.of("method", "GET", "endpoint", "/api/v1/journals", "status_code", "200"))
          + requests.value("englog_http_requests_total",
          Map.of("method", "GET", "endpoint", "/api/v1/journals", "status_code", "503")))
          .isEqualTo(quarter);
      assertThat(requests.value("englog_http_requests_total",
          Map.of("method", "GET", "endpoint", "/api/v1/journals", "status_code", "503")))
          .isEqualTo(quarter / 2);
      assertThat(e.family("englog_http_request_duration_seconds").value(
          "englog_http_request_duration_seconds_count",
          Map.of("method", "GET", "endpoint", "/api/v1/journals"))).isEqualTo(quarter);
      assertThat(e.family("englog_cache_hits_total").series()).isEqualTo(2);
      Exposition.Family sessions = e.family("englog_users_sessions_total");
      assertThat(sessions.value("englog_users_sessions_total", Map.of("auth_method", "password")))
          .isEqualTo(quarter / 2);
      assertThat(sessions.value("englog_users_sessions_total", Map.of("auth_method", "oauth")))
          .isEqualTo(quarter / 2);
      assertThat(sessions.series()).isEqualTo(2);
    }
  }
}
