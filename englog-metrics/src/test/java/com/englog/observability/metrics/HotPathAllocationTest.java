package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recording with label values that already have a series allocates nothing: measured with the JVM's
 * per-thread allocation counter (not a timing), so it holds on a loaded machine. A single allocation
 * per call would show as megabytes here. The speed comparison lives in MetricsRecordingBenchmark.
 */
class HotPathAllocationTest {

  static final int CALLS = 200_000;
  /** Slack for the counter's own bookkeeping; one 16-byte object per call would be 3.2 MB. */
  static final long BOUND = 16 * 1024;

  private com.sun.management.ThreadMXBean threads;
  private EnglogMetrics m;

  @BeforeEach
  void setUp() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's ThreadMXBean");
    threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counting unsupported");
    threads.setThreadAllocatedMemoryEnabled(true);
    m = EnglogMetrics.builder().jvmMetrics(false).build();
    Metrics.setDefault(m);
  }

  @AfterEach
  void tearDown() {
    Metrics.reset();
    m.close();
  }

  private long allocated(Runnable work) {
    for (int i = 0; i < 1000; i++) {
      work.run(); // creates the series and loads the classes first
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < CALLS; i++) {
      work.run();
    }
    return threads.getThreadAllocatedBytes(id) - before;
  }

  @Test
  void countersAllocateNothing() {
    String cacheType = "redis";
    String keyPattern = "user:*";
    String authMethod = "password";
    assertThat(allocated(() -> Metrics.recordCacheHit(cacheType, keyPattern))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordUserSession(authMethod))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordJournalCreated("u", "text"))).isLessThan(BOUND);
  }

  @Test
  void equalCopiesAndMissingValuesAllocateNothingEither() {
    // The series are created with literals; these callers pass equal strings that are other
    // instances (as a framework that builds its strings would), and null or empty values.
    Metrics.recordUserSession("password");
    Metrics.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(1));
    String copy = new String("password");
    String method = new String("GET");
    String route = new String("/api/v1/journals");
    Duration d = Duration.ofMillis(1);
    assertThat(allocated(() -> Metrics.recordUserSession(copy))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordHttpRequest(method, route, 200, d))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordUserSession(null))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordUserSession(""))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordCacheMiss("redis", null))).isLessThan(BOUND);
  }

  @Test
  void closedSetsAllocateNothingForTheirValues() {
    assertThat(allocated(() -> Metrics.recordAuthenticationFailure("password",
        AuthFailureReason.EXPIRED_TOKEN))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordAuditEvent("journal.delete", false))).isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.updateActiveUsers(12, "24h"))).isLessThan(BOUND);
  }

  @Test
  void histogramsAllocateNothing() {
    Duration d = Duration.ofMillis(42);
    assertThat(allocated(() -> Metrics.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, d)))
        .isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordHttpRequest("GET", "/api/v1/journals/{id}", 404, d)))
        .isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordHttpRequestCount("GET", "/api/v1/events", 200)))
        .isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordDatabaseQuery("select", "journals", d)))
        .isLessThan(BOUND);
    assertThat(allocated(() -> Metrics.recordAiProcessing("summarize", "openai", d, null)))
        .isLessThan(BOUND);
  }

  @Test
  void customMetricsWithFixedArityAllocateNothing() {
    CustomCounter c = m.counter("englog_exports").help("Exports.").labelNames("format").register();
    CustomTimer t = m.timer("englog_render_seconds").help("Render.").labelNames("a", "b").register();
    Duration d = Duration.ofMillis(3);
    assertThat(allocated(() -> c.increment("pdf"))).isLessThan(BOUND);
    assertThat(allocated(() -> t.record(d, "x", "y"))).isLessThan(BOUND);
  }

  @Test
  void theMeasurementWouldSeeAnAllocationPerCall() {
    // Guards the test itself: Micrometer's per-call lookup allocates an Id and Tags every time.
    assertThat(allocated(() -> m.registry().counter("englog_lookup", "a", "b").increment()))
        .isGreaterThan((long) CALLS * 16);
  }
}
