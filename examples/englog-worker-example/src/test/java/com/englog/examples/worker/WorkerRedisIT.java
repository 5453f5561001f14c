package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.FreePort;
import com.englog.observability.testsupport.ManagedProcess;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.RedisServer;
import com.englog.observability.testsupport.ReceivedSpan;
import com.englog.observability.testsupport.TestEnvironment;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The packaged worker taking jobs from a real, password-protected redis-server (Debian's {@code
 * redis-server}; in CI a missing one fails the test, elsewhere it is skipped with the install command).
 */
class WorkerRedisIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PASSWORD = "it-redis-password-7f3a";
  private static final Predicate<String> OUTAGE = l -> l.contains("\"message\":\"Redis at ") && l.contains(" failed (");
  private static final Predicate<String> RECOVERY = l -> l.contains("\"message\":\"Redis at ") && l.contains(" works again after ");

  @Test
  void jobsFromRedisContinueTheApiTraceAndTheLoopOutlivesARedisOutage() throws Exception {
    RedisServer redis = RedisServer.builder().password(PASSWORD).start();
    Path passwordFile = Files.createDirectories(Path.of("target", "it", "redis")).resolve("redis-password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    try (OtlpHttpReceiver otlp = OtlpHttpReceiver.start();
        AiProviderStandIn ai = AiProviderStandIn.start();
        WorkerProcess worker = WorkerProcess.start("redis", FreePort.next(), Map.of(
            "ENGLOG_EXAMPLE_REDIS_URL", "redis://127.0.0.1:" + redis.port(),
            "ENGLOG_EXAMPLE_REDIS_PASSWORD_FILE", passwordFile.toString(),
            "ENGLOG_EXAMPLE_AI_URL", ai.url(),
            "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
            "OTEL_BSP_SCHEDULE_DELAY", "100"))) {
      int port = redis.port();
      assertThat(worker.lines()).noneMatch(l -> l.contains(PASSWORD));

      // LPUSH, as the API does: the worker's CONSUMER span continues the API's trace.
      push(port, job("j-redis-1", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"));
      ReceivedSpan consumer = otlp.awaitSpans(1, s -> s.traceId().equals("4bf92f3577b34da6a3ce929d0e0e4736")
          && s.kind() == SpanKind.SPAN_KIND_CONSUMER, WAIT).get(0);
      assertThat(consumer.parentSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(consumer.attributes()).containsEntry("messaging.system", "redis");
      ReceivedSpan client = otlp.awaitSpans(1, s -> s.traceId().equals("4bf92f3577b34da6a3ce929d0e0e4736")
          && s.kind() == SpanKind.SPAN_KIND_CLIENT, WAIT).get(0);
      assertThat(client.parentSpanId()).isEqualTo(consumer.spanId());
      assertThat(ai.traceparents()).containsExactly(
          "00-4bf92f3577b34da6a3ce929d0e0e4736-" + client.spanId() + "-01");

      // Redis goes away: one WARN for the outage, however many retries it takes.
      stop(redis);
      worker.awaitLine(OUTAGE, WAIT);
      WorkerProcess.sleep(3_500);   // three more retries, one a second
      assertThat(worker.count(OUTAGE)).isEqualTo(1);

      // Redis comes back on the same port: one INFO, and jobs flow again.
      try (ManagedProcess restarted = restartRedis(port)) {
        assertThat(restarted.isAlive()).as("restarted redis-server").isTrue();
        worker.awaitLine(RECOVERY, WAIT);
        push(port, job("j-redis-2", "5bf92f3577b34da6a3ce929d0e0e4737", "10f067aa0ba902b8"));
        List<ReceivedSpan> spans = otlp.awaitSpans(2, s -> s.traceId().equals("5bf92f3577b34da6a3ce929d0e0e4737"), WAIT);
        assertThat(spans).extracting(ReceivedSpan::kind)
            .contains(SpanKind.SPAN_KIND_CONSUMER, SpanKind.SPAN_KIND_CLIENT);
        assertThat(worker.count(OUTAGE)).isEqualTo(1);
        assertThat(worker.count(RECOVERY)).isEqualTo(1);

        worker.sigterm();
        assertThat(worker.awaitExit(WAIT)).isZero();
        assertThat(worker.lines()).anyMatch(l -> l.contains("shutdown complete: jobs drained=true"));
      }
    } finally {
      stop(redis);
    }
  }

  /** Stops redis-server (SIGTERM); stopping it twice is harmless. */
  private static void stop(RedisServer redis) {
    redis.close();
  }

  private static void push(int port, String payload) {
    try (RedisClient client = RedisClient.builder()
        .hostAndPort("127.0.0.1", port)
        .clientConfig(DefaultJedisClientConfig.builder().password(PASSWORD).build())
        .build()) {
      client.lpush(RedisJobConsumer.QUEUE_KEY, payload);
    }
  }

  private static ManagedProcess restartRedis(int port) {
    Path binary = ExternalTool.REDIS_SERVER.require();
    Path dir = TestEnvironment.scratchDirectory("redis-restarted");
    return ManagedProcess.start("redis-server", List.of(binary.toString(), "--bind", "127.0.0.1",
            "--port", Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", dir.toString(),
            "--requirepass", PASSWORD),
            dir, Map.of(), dir.resolve("redis.log"))
        .awaitPort(port, WAIT);
  }

  private static String job(String journalId, String traceId, String parentSpanId) {
    return "{\"journalId\":\"" + journalId + "\",\"userId\":\"bob\",\"text\":\"Read a book.\","
        + "\"trace\":{\"traceparent\":\"00-" + traceId + "-" + parentSpanId + "-01\"}}";
  }
}
