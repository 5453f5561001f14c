package com.englog.observability.benchmarks;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.ScrapeHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scraping 10,000 series (9,000 counter series and 1,000 histogram series with 8 buckets each) through
 * {@link ScrapeHandler} against Micrometer's own {@code PrometheusMeterRegistry.scrape()} of the very
 * same meters, in both text formats.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class MetricsScrapeBenchmark {

  static final String OPENMETRICS = ScrapeHandler.OPENMETRICS_TEXT;

  EnglogMetrics englog;
  ScrapeHandler handler;
  PrometheusMeterRegistry registry;

  @Setup(Level.Trial)
  public void setUp() {
    // 9,000 cache series (2 exposed each) and 1,000 database histograms (13 each) as given: limits in
    // exposed series, claimed from a budget raised to hold them.
    englog = EnglogMetrics.builder().jvmMetrics(false).seriesBudget(60_000)
        .cardinalityLimit("englog_cache_hits_total", 20_000)
        .cardinalityLimit("englog_database_query_duration_seconds", 14_000).build();
    for (int type = 0; type < 3; type++) {
      for (int key = 0; key < 3000; key++) {
        englog.recordCacheHit("cache-" + type, "key:" + key + ":*");
      }
    }
    for (int op = 0; op < 10; op++) {
      for (int table = 0; table < 100; table++) {
        englog.recordDatabaseQuery("op-" + op, "table_" + table, Duration.ofMillis(op + table));
      }
    }
    handler = englog.scrapeHandler();
    registry = (PrometheusMeterRegistry) englog.registry();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    englog.close();
  }

  @Benchmark
  public int text_englogHandler() {
    return handler.handle(null).length();
  }

  @Benchmark
  public int text_micrometerScrape() {
    return registry.scrape().length();
  }

  @Benchmark
  public int openMetrics_englogHandler() {
    return handler.handle(OPENMETRICS).length();
  }

  @Benchmark
  public int openMetrics_micrometerScrape() {
    return registry.scrape(OPENMETRICS).length();
  }
}
