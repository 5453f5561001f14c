package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.common.Secret;
import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.RecordedRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP indicator against a real loopback server; disk, heap and lambda indicators on this JVM. */
class HttpAndLocalIndicatorsTest {

  private static ComponentHealth check(HealthIndicator indicator, Duration deadline) {
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("c", indicator, o -> o.deadline(deadline))
        .build()) {
      return registry.check().component("c").orElseThrow();
    }
  }

  private static ComponentHealth check(HealthIndicator indicator) {
    return check(indicator, Duration.ofSeconds(10));
  }

  @Test
  void httpDependencyIsUpOn2xxAndSendsTheSecretHeader(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("api-key");
    Files.writeString(key, "sk-test-123\n");
    try (HttpRecorder ai = HttpRecorder.start()) {
      ComponentHealth up = check(HttpHealthIndicator.builder(ai.uri("/v1/models?secret=q"))
          .bearerToken(Secret.fromFile(key)).header("x-api-key", Secret.of("k2")).build());

      RecordedRequest request = ai.awaitRequests(1, Duration.ofSeconds(5)).get(0);
      assertThat(up.status()).isEqualTo(Status.UP);
      assertThat(up.details()).containsOnlyKeys("url", "status_code", "latency_ms")
          .containsEntry("status_code", 200)
          .containsEntry("url", "http://127.0.0.1:" + ai.port() + "/v1/models");
      assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-123");
      assertThat(request.header("x-api-key")).isEqualTo("k2");
      assertThat(up.toString() + up.details()).doesNotContain("sk-test-123", "secret=q");
    }
  }

  @Test
  void httpErrorStatusIsDownAndSlowAnswerDegraded() {
    try (HttpRecorder ai = HttpRecorder.start()) {
      ai.respondWith(503, "overloaded");
      ComponentHealth down = check(HttpHealthIndicator.of(ai.uri("/health")));
      ai.respondWith(200, "ok").delayResponses(Duration.ofMillis(300));
      ComponentHealth slow = check(HttpHealthIndicator.builder(ai.uri("/health"))
          .latencyBudget(Duration.ofMillis(100)).build());
      ComponentHealth exact = check(HttpHealthIndicator.builder(ai.uri("/health")).expectedStatus(204).build());

      assertThat(down.status()).isEqualTo(Status.DOWN);
      assertThat(down.reason()).isEqualTo("HTTP 503 (expected 2xx)");
      assertThat(slow.status()).isEqualTo(Status.DEGRADED);
      assertThat(slow.reason()).startsWith("slow: answered in ").endsWith("budget 100 ms");
      assertThat(exact.reason()).isEqualTo("HTTP 200 (expected 204)");
    }
  }

  @Test
  void hungHttpDependencyTimesOutAtTheDeadline() {
    try (HttpRecorder ai = HttpRecorder.start()) {
      ai.hang();
      ComponentHealth hung = check(HttpHealthIndicator.of(ai.uri("/health")), Duration.ofMillis(200));

      assertThat(hung.status()).isEqualTo(Status.DOWN);
      assertThat(hung.reason()).isIn("timed out after 200 ms", "no response within 200 ms");
      ai.release();
    }
  }

  @Test
  void headersTheHttpClientCannotSendAreRejectedWhenBuilding() {
    HttpHealthIndicator.Builder builder = HttpHealthIndicator.builder(URI.create("http://127.0.0.1:1/health"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.header("Host", Secret.of("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header name \"Host\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.header("bad name", Secret.of("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header name \"bad name\"");
  }

  @Test
  void missingSecretIsDownWithoutCallingTheDependency(@TempDir Path dir) {
    try (HttpRecorder ai = HttpRecorder.start()) {
      ComponentHealth down = check(HttpHealthIndicator.builder(ai.uri("/health"))
          .bearerToken(Secret.fromFile(dir.resolve("missing"))).build());

      assertThat(down.status()).isEqualTo(Status.DOWN);
      assertThat(down.reason()).startsWith("credentials unavailable: Secret(file ");
      assertThat(ai.requests()).isEmpty();
    }
  }

  @Test
  void refusedConnectionIsDown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ComponentHealth down = check(HttpHealthIndicator.of(URI.create("http://127.0.0.1:" + port + "/health")));

    assertThat(down.status()).isEqualTo(Status.DOWN);
    assertThat(down.reason()).contains("ConnectException");
  }

  @Test
  void diskSpaceThresholds(@TempDir Path dir) {
    ComponentHealth up = check(DiskSpaceHealthIndicator.builder(dir).downBelow(0).degradedBelow(0).build());
    ComponentHealth degraded = check(DiskSpaceHealthIndicator.builder(dir).downBelow(0).degradedBelow(1).build());
    ComponentHealth down = check(DiskSpaceHealthIndicator.builder(dir).downBelow(Long.MAX_VALUE).build());
    ComponentHealth missing = check(DiskSpaceHealthIndicator.of(dir.resolve("no/such/dir")));

    assertThat(up.status()).isEqualTo(Status.UP);
    assertThat(up.details()).containsOnlyKeys("path", "free_bytes", "total_bytes");
    assertThat((Long) up.details().get("free_bytes")).isPositive();
    assertThat(degraded.status()).isEqualTo(Status.DEGRADED);
    assertThat(down.status()).isEqualTo(Status.DOWN);
    assertThat(down.reason()).startsWith("only ").contains(" MiB free, below ");
    assertThat(missing.status()).isEqualTo(Status.DOWN);
    assertThat(missing.reason()).contains("NoSuchFileException");
  }

  @Test
  void heapPressureThresholds() {
    System.gc();
    ComponentHealth up = check(HeapHealthIndicator.builder().degradedAbove(1).build());
    ComponentHealth degraded = check(HeapHealthIndicator.builder().degradedAbove(0).build());
    ComponentHealth down = check(HeapHealthIndicator.builder().downAbove(0).build());

    assertThat(up.status()).isEqualTo(Status.UP);
    assertThat(up.details()).containsOnlyKeys("pool", "used_bytes", "max_bytes", "used_ratio");
    assertThat((Long) up.details().get("max_bytes")).isPositive();
    assertThat(degraded.status()).isEqualTo(Status.DEGRADED);
    assertThat(degraded.reason()).contains("used after GC");
    assertThat(down.status()).isEqualTo(Status.DOWN);
  }

  @Test
  void lambdaProbe() {
    assertThat(check(HealthIndicator.of(() -> true)).status()).isEqualTo(Status.UP);
    ComponentHealth no = check(HealthIndicator.of(() -> false));
    assertThat(no.status()).isEqualTo(Status.DOWN);
    assertThat(no.reason()).isEqualTo("probe returned false");
    ComponentHealth thrown = check(HealthIndicator.of(() -> {
      throw new java.io.IOException("queue unreachable");
    }));
    assertThat(thrown.reason()).isEqualTo("IOException: queue unreachable");
  }
}
