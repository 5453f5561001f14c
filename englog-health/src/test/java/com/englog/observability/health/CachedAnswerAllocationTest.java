package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.englog.observability.common.Secret;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A probe answered from cached results allocates nothing: measured with the JVM's per-thread
 * allocation counter (not a timing), so it holds on a loaded machine. One 16-byte object per call
 * would show as megabytes here. The speed lives in HealthBenchmark.cachedAnonymous.
 */
class CachedAnswerAllocationTest {

  static final int CALLS = 200_000;
  /** Slack for the counter's own bookkeeping; one 16-byte object per call would be 3.2 MB. */
  static final long BOUND = 16 * 1024;

  private com.sun.management.ThreadMXBean threads;
  private HealthRegistry registry;
  private HealthHandler handler;

  @BeforeEach
  void setUp() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's ThreadMXBean");
    threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counting unsupported");
    threads.setThreadAllocatedMemoryEnabled(true);
    registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .defaults(o -> o.refreshAfter(Duration.ofHours(1)).maxAge(Duration.ofHours(2)))
        .add("db", c -> Health.up().detail("database", "PostgreSQL 15.8").build())
        .add("redis", c -> Health.up().build())
        .add("ai", c -> Health.down("HTTP 503").build(), o -> o.nonCritical())
        .build();
    handler = HealthHandler.builder(registry)
        .access(HealthAccess.bearerToken(Secret.of("probe-token")))
        .build();
    // The first answer runs the checks; every later one is served from their results.
    assertThat(handler.handle(HealthRequest.of("GET", "/health/ready", h -> null)).statusCode())
        .isEqualTo(200);
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private long allocated(IntSupplier work) {
    int sink = 0;
    for (int i = 0; i < 1000; i++) {
      sink += work.getAsInt(); // loads the classes first
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < CALLS; i++) {
      sink += work.getAsInt();
    }
    long bytes = threads.getThreadAllocatedBytes(id) - before;
    assertThat(sink).isNotZero();
    return bytes;
  }

  @Test
  void anAnonymousProbeOfAGroupAllocatesNothing() {
    HealthRequest ready = HealthRequest.of("GET", "/health/ready", h -> null);
    HealthRequest all = HealthRequest.of("GET", "/health", h -> null);
    HealthRequest head = HealthRequest.of("HEAD", "/health/ready", h -> null);
    assertThat(allocated(() -> handler.handle(ready).statusCode())).isLessThan(BOUND);
    assertThat(allocated(() -> handler.handle(all).statusCode())).isLessThan(BOUND);
    assertThat(allocated(() -> handler.handle(head).statusCode())).isLessThan(BOUND);
  }

  @Test
  void aGroupStatusFromCachedResultsAllocatesNothing() {
    assertThat(allocated(() -> registry.status().ordinal() + 1)).isLessThan(BOUND);
    assertThat(allocated(() -> registry.status(HealthRegistry.READINESS).ordinal() + 1))
        .isLessThan(BOUND);
    assertThat(allocated(() -> registry.status("redis").ordinal() + 1)).isLessThan(BOUND);
  }

  @Test
  void theMeasurementWouldSeeAnAllocationPerCall() {
    // Guards the test itself: the full report is built (and allocated) for every authorised call.
    HealthRequest authorised = HealthRequest.of("GET", "/health/ready", h -> "Bearer probe-token");
    assertThat(allocated(() -> handler.handle(authorised).statusCode()))
        .isGreaterThan((long) CALLS * 16);
  }
}
