package com.englog.observability.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** An instance with every built-in metric exercised once, for whole-exposition checks. */
final class Everything {

  private Everything() {}

  static EnglogMetrics record(EnglogMetrics m) {
    m.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, Duration.ofMillis(12));
    m.recordJournalCreated("u-1", "text");
    m.recordAiProcessing("summarize", "openai", Duration.ofSeconds(3), new TimeoutException());
    m.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));
    m.recordCacheHit("redis", "user:*");
    m.recordCacheMiss("redis", "user:*");
    m.updateActiveUsers(5, "1h");
    m.recordUserSession("password");
    m.recordAuthenticationFailure("password", AuthFailureReason.EXPIRED_TOKEN);
    m.recordAccessDenied("/api/v1/admin");
    m.recordRateLimited("/api/v1/journals");
    m.recordAuditEvent("journal.delete", true);
    m.bindConnectionPool("main", () -> 1, () -> 2, () -> 10, () -> 0);
    m.bindRedactionCount("pii", () -> 7);
    return m;
  }

  /**
   * Scrapes until a GC pause has been recorded: GC notifications arrive asynchronously, and the pause
   * summary only exists after the first one.
   */
  static String scrapeAfterGc(EnglogMetrics m, String accept) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long collections = gcCount();
    System.gc();
    String body = m.scrapeHandler().handle(accept).bodyText();
    while (!body.contains("jvm_gc_pause_seconds_count") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      if (gcCount() == collections) {
        System.gc();
      }
      body = m.scrapeHandler().handle(accept).bodyText();
    }
    return body;
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
    }
    return n;
  }
}
