package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.Exposition;
import java.lang.management.ManagementFactory;
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
 * A million distinct user ids, cache keys and endpoints: series per metric stay within the limit, the
 * heap does not grow with the input, and every folded recording is counted — nothing is lost.
 *
 * <p>With a limit of 1000, values as given may take 900 series (the limit less a tenth kept for folded
 * series); later values fold into {@code other}, keeping label values already known.
 */
class CardinalityGuardTest {

  static final int DISTINCT = 1_000_000;
  static final int LIMIT = 1000;
  static final int ADMITTED = 900;
  /** Far below what a million series would take (hundreds of MB), far above noise. */
  static final long HEAP_BOUND = 48L * 1024 * 1024;

  @Test
  void millionUserIdsStayWithinTheLimit() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).userIdLabel(true)
        .cardinalityLimit(LIMIT).build()) {
      long before = usedHeapAfterGc();
      for (int i = 0; i < DISTINCT; i++) {
        m.recordJournalCreated("user-" + i, "text");
      }
      long growth = usedHeapAfterGc() - before;
      Exposition e = scrape(m);
      Exposition.Family journals = e.family("englog_business_journals_created_total");

      assertThat(journals.series()).isEqualTo(ADMITTED + 1);
      assertThat(journals.value("englog_business_journals_created_total",
          Map.of("user_id", "other", "entry_type", "text"))).isEqualTo(DISTINCT - ADMITTED);
      assertThat(sum(journals)).isEqualTo(DISTINCT);
      assertThat(overflow(e, "englog_business_journals_created_total")).isEqualTo(DISTINCT - ADMITTED);
      assertThat(growth).as("heap growth in bytes").isLessThan(HEAP_BOUND);
    }
  }

  @Test
  void millionCacheKeysStayWithinTheLimit() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).cardinalityLimit(LIMIT).build()) {
      long before = usedHeapAfterGc();
      for (int i = 0; i < DISTINCT; i++) {
        m.recordCacheMiss("redis", "journal:" + i);
      }
      long growth = usedHeapAfterGc() - before;
      Exposition e = scrape(m);
      Exposition.Family misses = e.family("englog_cache_misses_total");

      assertThat(misses.series()).isEqualTo(ADMITTED + 1);
      assertThat(misses.value("englog_cache_misses_total",
          Map.of("cache_type", "redis", "key_pattern", "other"))).isEqualTo(DISTINCT - ADMITTED);
      assertThat(sum(misses)).isEqualTo(DISTINCT);
      assertThat(overflow(e, "englog_cache_misses_total")).isEqualTo(DISTINCT - ADMITTED);
      assertThat(growth).as("heap growth in bytes").isLessThan(HEAP_BOUND);
    }
  }

  @Test
  void millionEndpointsStayWithinTheLimit() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).cardinalityLimit(LIMIT).build()) {
      long before = usedHeapAfterGc();
      for (int i = 0; i < DISTINCT; i++) {
        m.recordHttpRequest("GET", "/raw/path/" + i, 200, Duration.ofMillis(1));
      }
      long growth = usedHeapAfterGc() - before;
      Exposition e = scrape(m);
      Exposition.Family durations = e.family("englog_http_request_duration_seconds");
      Exposition.Family requests = e.family("englog_http_requests_total");

      assertThat(durations.series()).isLessThanOrEqualTo(LIMIT).isEqualTo(ADMITTED + 1);
      assertThat(requests.series()).isLessThanOrEqualTo(LIMIT);
      assertThat(durations.value("englog_http_request_duration_seconds_count",
          Map.of("method", "GET", "endpoint", "other"))).isEqualTo(DISTINCT - ADMITTED);
      assertThat(sum(requests)).isEqualTo(DISTINCT);
      assertThat(overflow(e, "englog_http_request_duration_seconds")).isEqualTo(DISTINCT - ADMITTED);
      assertThat(growth).as("heap growth in bytes").isLessThan(HEAP_BOUND);
    }
  }

  @Test
  void whenEvenTheOtherSeriesCannotBeCreatedEveryOpenLabelFolds() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false)
        .cardinalityLimit("englog_cache_hits_total", 20).build()) {
      // Limit 20: 18 series as given, 1 with known values kept, 1 all-"other" series.
      for (int i = 0; i < 18; i++) {
        m.recordCacheHit("cache-" + i, "key");
      }
      m.recordCacheHit("cache-0", "new-key");   // (cache-0, other): keeps the known cache
      m.recordCacheHit("cache-1", "another");   // no room for (cache-1, other): (other, other)
      m.recordCacheHit("cache-2", "third");     // (other, other) again
      m.recordCacheHit("cache-0", "fourth");    // (cache-0, other) exists
      Exposition e = scrape(m);
      Exposition.Family hits = e.family("englog_cache_hits_total");

      assertThat(hits.series()).isEqualTo(20);
      assertThat(hits.value("englog_cache_hits_total", Map.of("cache_type", "cache-0",
          "key_pattern", "other"))).isEqualTo(2);
      assertThat(hits.value("englog_cache_hits_total", Map.of("cache_type", "other",
          "key_pattern", "other"))).isEqualTo(2);
      assertThat(sum(hits)).isEqualTo(22);
      assertThat(overflow(e, "englog_cache_hits_total")).isEqualTo(4);
    }
  }

  @Test
  void foldingIsExactUnderConcurrency() throws Exception {
    int threads = 4;
    int perThread = 250_000;
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false)
        .cardinalityLimit("englog_cache_hits_total", 100).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            m.recordCacheHit("redis", "k-" + thread + "-" + i);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      Exposition e = scrape(m);
      Exposition.Family hits = e.family("englog_cache_hits_total");
      // Limit 100: 90 series as given, then everything folds into (redis, other).
      assertThat(hits.series()).isEqualTo(91);
      assertThat(sum(hits)).isEqualTo(threads * perThread);
      assertThat(overflow(e, "englog_cache_hits_total")).isEqualTo(threads * perThread - 90);
    }
  }

  @Test
  void aLimitBelowTheClosedCombinationsIsRefusedWithTheReason() {
    assertThatThrownBy(
            () -> EnglogMetrics.builder().jvmMetrics(false).cardinalityLimit(10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("englog_http_request_duration_seconds")
        .hasMessageContaining("greater than 10");
  }

  static Exposition scrape(EnglogMetrics m) {
    return Exposition.parse(m.scrapeHandler().handle(null).bodyText());
  }

  static double sum(Exposition.Family f) {
    double total = 0;
    for (Exposition.Sample s : f.samples) {
      if (s.name().endsWith("_total")) {
        total += s.value();
      }
    }
    return total;
  }

  static double overflow(Exposition e, String metric) {
    return e.family("englog_metrics_cardinality_overflow_total")
        .value("englog_metrics_cardinality_overflow_total", Map.of("metric", metric));
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
