package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.PostgresServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL stopped with SIGSTOP (connections accepted by the kernel, never answered): the
 * database endpoints answer 503 within 2 s, however many requests arrive at once, while health, metrics
 * and cached summaries keep answering, and readiness reports the database DOWN. Needs Debian's
 * {@code postgresql} (skipped with the install command without it, failed under {@code CI=true}).
 */
class FrozenDatabaseIT {

  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

  @TempDir
  Path tmp;

  @Test
  void databaseEndpointsAnswer503WithinTwoSecondsWhileTheRestKeepsAnswering() throws Exception {
    try (PostgresServer postgres = PostgresServer.start()) {
      TestApi api = TestApi.start(tmp, Map.of(
          "ENGLOG_EXAMPLE_JDBC_URL", postgres.jdbcUrl(),
          "ENGLOG_EXAMPLE_JDBC_USER", postgres.user()));
      try {
        String id = api.createJournal("Friday", "Stored in PostgreSQL before it froze.");
        assertThat(api.get("/api/journals/" + id + "/summary", TestApi.ALICE).statusCode()).isEqualTo(200);

        postgres.freeze();
        try {
          // More concurrent requests than the database may hold callers for: none waits past the budget.
          ExecutorService clients = Executors.newFixedThreadPool(30);
          try {
            List<Future<Timed>> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
              String path = i % 2 == 0 ? "/api/journals" : "/api/journals/" + id;
              calls.add(clients.submit(() -> Timed.get(api, path)));
            }
            for (Future<Timed> call : calls) {
              Timed t = call.get();
              assertThat(t.status()).as("frozen database: %s", t).isEqualTo(503);
              assertThat(t.elapsed()).as("answered within %s: %s", ANSWER_WITHIN, t).isLessThan(ANSWER_WITHIN);
            }
          } finally {
            clients.shutdownNow();
          }
          HttpResponse<String> created = api.send("POST", "/api/journals", TestApi.ALICE,
              "{\"title\":\"lost?\",\"body\":\"no: refused with 503\"}");
          assertThat(created.statusCode()).isEqualTo(503);
          assertThat(created.body()).contains("database unavailable");

          // What does not need the database keeps answering.
          Timed cached = Timed.get(api, "/api/journals/" + id + "/summary");
          assertThat(cached.status()).as("summary from cache").isEqualTo(200);
          assertThat(cached.elapsed()).isLessThan(ANSWER_WITHIN);
          assertThat(Timed.get(api, "/health/live").status()).isEqualTo(200);
          assertThat(api.scrape()).contains("englog_http_requests_total{endpoint=\"/api/journals\",method=\"GET\","
              + "status_code=\"503\"}");

          // Readiness says why: the db check hits its 2 s deadline, then the result is served at once.
          Timed ready = Timed.get(api, "/health/ready");
          assertThat(ready.status()).isEqualTo(503);
          assertThat(ready.elapsed()).isLessThan(Duration.ofSeconds(3));
          assertThat(Timed.get(api, "/health/db").status()).isEqualTo(503);
        } finally {
          postgres.thaw();
        }
        awaitStatus(api, "/api/journals", 200, Duration.ofSeconds(30));
      } finally {
        api.close();
      }
    }
  }

  private static void awaitStatus(TestApi api, String path, int status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = api.get(path, TestApi.ALICE).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " still answers " + last + " after the database was thawed");
  }

  /** One request and how long its answer took. */
  record Timed(String path, int status, Duration elapsed) {
    static Timed get(TestApi api, String path) {
      long start = System.nanoTime();
      try {
        int status = api.get(path, TestApi.ALICE).statusCode();
        return new Timed(path, status, Duration.ofNanos(System.nanoTime() - start));
      } catch (Exception e) {
        throw new IllegalStateException(path + " failed", e);
      }
    }
  }
}
