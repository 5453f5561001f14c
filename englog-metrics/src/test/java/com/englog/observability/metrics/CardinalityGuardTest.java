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
 * <p>Limits count exposed series. With room for 1000 combinations of label values (2000 series of a
 * counter, 16,000 of the HTTP histogram), one is reserved for the last resort, 19 (one in fifty) for
 * folded values, and values as given may take 980; later values fold into {@code other}, keeping label
 * values already known.
 */
class CardinalityGuardTest {

  static final int DISTINCT = 1_000_000;
  static final int COMBINATIONS = 1000;
  static final int ADMITTED = 980;
  /** Far below what a million series would take (hundreds of MB), far above noise. */
  static final long HEAP_BOUND = 48L * 1024 * 1024;

  @Test
  void millionUserIdsStayWithinTheLimit() {
    try (EnglogMetrics m = builder("englog_business_journals_created_total", 2 * COMBINATIONS)
        .userIdLabel(true).build()) {
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
    try (EnglogMetrics m = builder("englog_cache_misses_total", 2 * COMBINATIONS).build()) {
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
    try (EnglogMetrics m = builder("englog_http_request_duration_seconds", 16 * COMBINATIONS).build()) {
      long before = usedHeapAfterGc();
      for (int i = 0; i < DISTINCT; i++) {
        m.recordHttpRequest("GET", "/raw/path/" + i, 200, Duration.ofMillis(1));
      }
      long growth = usedHeapAfterGc() - before;
      Exposition e = scrape(m);
      Exposition.Family durations = e.family("englog_http_request_duration_seconds");
      Exposition.Family requests = e.family("englog_http_requests_total");

      assertThat(durations.series()).isLessThanOrEqualTo(COMBINATIONS).isEqualTo(ADMITTED + 1);
      assertThat(requests.series()).isEqualTo(ADMITTED + 1);
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
        .cardinalityLimit("englog_cache_hits_total", 40).build()) {
      // Limit 40 exposed series, 20 combinations: 18 as given, 1 with known values kept, 1 all-"other".
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
        .cardinalityLimit("englog_cache_hits_total", 200).build()) {
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
      // Limit 200 exposed series, 100 combinations: 98 as given, then everything folds into
      // (redis, other).
      assertThat(hits.series()).isEqualTo(99);
      assertThat(sum(hits)).isEqualTo(threads * perThread);
      assertThat(overflow(e, "englog_cache_hits_total")).isEqualTo(threads * perThread - 98);
    }
  }

  @Test
  void aLimitBelowTheReservedCombinationsIsRefusedWithTheReason() {
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
            .cardinalityLimit("englog_http_request_duration_seconds", 40).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cardinality limit of englog_http_request_duration_seconds must be at least 48 "
            + "exposed series (3 combinations of label values at 16 series each: one for values as "
            + "given, one for folded values and 1 reserved for the last resort), was 40");
    // One combination per status code is reserved: status_code never folds.
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
            .cardinalityLimit("englog_http_requests_total", 1000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be at least 1006 exposed series (503 combinations of label values "
            + "at 2 series each: one for values as given, one for folded values and 501 reserved");
  }

  @Test
  void aLowCapLowersEveryLimitButNotBelowWhatAMetricNeeds() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).cardinalityLimit(10).build()) {
      for (int i = 0; i < 100; i++) {
        m.recordCacheHit("redis", "key-" + i);
        m.recordHttpRequest("GET", "/raw/" + i, 500 + i % 100, Duration.ofMillis(1));
      }
      Exposition e = scrape(m);
      // 10 series: 5 combinations, 3 as given, 1 folded, 1 last resort.
      assertThat(e.family("englog_cache_hits_total").series()).isEqualTo(4);
      // The HTTP histogram at its smallest: 48 series, 3 combinations.
      assertThat(e.family("englog_http_request_duration_seconds").series()).isEqualTo(2);
      assertThat(e.family("englog_http_requests_total").series()).isLessThanOrEqualTo(503);
      assertThat(sum(e.family("englog_http_requests_total"))).isEqualTo(100);
    }
  }

  @Test
  void statusCodesNeverFoldIntoOtherWhileEndpointsDo() {
    try (EnglogMetrics m = builder("englog_http_requests_total", 2_000).build()) {
      // 1000 combinations: 501 reserved (one per status code), 9 for folded values, 490 as given.
      for (int i = 0; i < 1000; i++) {
        m.recordHttpRequest("GET", "/route/" + i, 200, Duration.ofMillis(1));
      }
      for (int status = 100; status <= 599; status++) {
        m.recordHttpRequest(status % 2 == 0 ? "GET" : "BREW", "/late/" + status, status,
            Duration.ofMillis(1));
      }
      m.recordHttpRequest("GET", "/late", 42, Duration.ofMillis(1));
      Exposition.Family requests = scrape(m).family("englog_http_requests_total");

      for (int status = 100; status <= 599; status++) {
        String code = Integer.toString(status);
        double n = requests.samples.stream().filter(s -> code.equals(s.labels().get("status_code")))
            .mapToDouble(Exposition.Sample::value).sum();
        assertThat(n).as("requests with status %s", code).isEqualTo(status == 200 ? 1001 : 1);
      }
      assertThat(requests.samples.stream().filter(s -> "other".equals(s.labels().get("status_code")))
          .mapToDouble(Exposition.Sample::value).sum()).as("only the status outside 100..599")
          .isEqualTo(1);
      // The endpoint folded first, the method kept while there was room.
      assertThat(requests.value("englog_http_requests_total",
          Map.of("method", "GET", "endpoint", "other", "status_code", "200"))).isEqualTo(1000 - 490 + 1);
      assertThat(requests.series()).isLessThanOrEqualTo(1000);
      assertThat(sum(requests)).isEqualTo(1000 + 500 + 1);
    }
  }

  @Test
  void theLimitsOfAnInstanceAddUpToAtMostItsSeriesBudget() {
    int builtIn = 0;
    for (int limit : EnglogMetrics.DEFAULT_CARDINALITY_LIMITS.values()) {
      builtIn += limit + 4;
    }
    assertThat(builtIn + 6 + EnglogMetrics.JVM_SERIES_ALLOWANCE)
        .isLessThanOrEqualTo(EnglogMetrics.DEFAULT_SERIES_BUDGET);
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
            .cardinalityLimit("englog_cache_hits_total", 5_000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("englog_cache_hits_total needs 5004 exposed series but only")
        .hasMessageContaining("of the series budget of 20000 are left");
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).seriesBudget(25_000)
        .cardinalityLimit("englog_cache_hits_total", 5_000).build()) {
      CustomCounter exports = m.counter("englog_exports").help("Exports.").labelNames("format")
          .register();
      exports.increment("pdf");
      assertThatThrownBy(() -> m.counter("englog_huge").help("Huge.").labelNames("id")
              .cardinalityLimit(1_000_000).register())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("englog_huge_total needs 1000004 exposed series");
      // Refused, the name stays free for a registration that fits.
      m.counter("englog_huge").help("Huge.").labelNames("id").cardinalityLimit(200).register()
          .increment("a");
    }
  }

  /** What is left of {@code m}'s series budget, as a registration too big for it reports. */
  private static int budgetLeft(EnglogMetrics m) {
    try {
      m.counter("englog_probe").help("Probe.").labelNames("id").cardinalityLimit(1_000_000).register();
    } catch (IllegalArgumentException e) {
      java.util.regex.Matcher left = java.util.regex.Pattern.compile("but only (\\d+) of the series budget")
          .matcher(e.getMessage());
      assertThat(left.find()).as(e.getMessage()).isTrue();
      return Integer.parseInt(left.group(1));
    }
    throw new AssertionError("a limit of 1000000 fitted the budget");
  }

  @Test
  void aLimitRefusedAfterItsClaimGivesTheClaimBack() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).seriesBudget(25_000).build()) {
      int left = budgetLeft(m);
      assertThatThrownBy(() -> m.counter("englog_tiny").help("Tiny.").labelNames("id").cardinalityLimit(2)
              .register())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be at least");
      assertThat(budgetLeft(m)).isEqualTo(left);
      m.counter("englog_tiny").help("Tiny.").labelNames("id").cardinalityLimit(200).register().increment("a");
      assertThat(budgetLeft(m)).isLessThan(left);
    }
  }

  @Test
  void aCustomMetricsLimitCanBeSetOnTheInstanceBuilder() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).seriesBudget(25_000)
        .cardinalityLimit("englog_exports_total", 300).build()) {
      int before = budgetLeft(m);
      m.counter("englog_exports").help("Exports.").labelNames("format").register();
      int byInstance = before - budgetLeft(m);
      m.counter("englog_imports").help("Imports.").labelNames("format").cardinalityLimit(300).register();
      int byMetric = before - byInstance - budgetLeft(m);
      assertThat(byInstance).as("series claimed for the limit set on the instance builder").isEqualTo(byMetric);
      m.counter("englog_default").help("Default.").labelNames("format").register();
      assertThat(before - byInstance - byMetric - budgetLeft(m)).as("the default limit").isNotEqualTo(byInstance);
    }
  }

  @Test
  void theSeriesBudgetIsASetting() {
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
            .lookups(Map.of("englog.metrics.series-budget", "15000")::get, name -> null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of the series budget of 15000 are left");
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
            .lookups(name -> null, Map.of("ENGLOG_METRICS_SERIES_BUDGET", "lots")::get).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ENGLOG_METRICS_SERIES_BUDGET must be an integer");
    assertThatThrownBy(() -> EnglogMetrics.builder().seriesBudget(99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seriesBudget must be between 100 and 10000000, was 99");
  }

  static EnglogMetrics.Builder builder(String metric, int limit) {
    return EnglogMetrics.builder().jvmMetrics(false).seriesBudget(40_000)
        .cardinalityLimit(metric, limit);
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
