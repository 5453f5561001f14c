package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.examples.api.jobs.RedisJobQueue;
import com.englog.examples.api.web.Json;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import com.englog.observability.testsupport.RedisServer;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * With a real Redis (password from a file): AI jobs go to the {@code englog:ai-jobs} list with their trace
 * context, summaries are cached there, Redis calls are CLIENT spans naming the peer, and a frozen Redis
 * costs a request at most its one-second timeouts. Needs Debian's {@code redis-server}.
 */
class RedisIT {

  private static final String PASSWORD = "example-redis-password";

  @TempDir
  Path tmp;

  @Test
  void jobsAndSummariesGoThroughRedis() throws Exception {
    Path passwordFile = Files.writeString(tmp.resolve("redis-password"), PASSWORD + "\n");
    try (RedisServer redis = RedisServer.builder().password(PASSWORD).start();
        OtlpHttpReceiver otlp = OtlpHttpReceiver.start();
        RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", redis.port())
            .clientConfig(DefaultJedisClientConfig.builder().password(PASSWORD).build()).build()) {
      TestApi api = TestApi.start(tmp, Map.of(
          "ENGLOG_EXAMPLE_REDIS_URL", "redis://127.0.0.1:" + redis.port(),
          "ENGLOG_EXAMPLE_REDIS_PASSWORD_FILE", passwordFile.toString(),
          "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint()));
      try {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> created = api.send("POST", "/api/journals", TestApi.ALICE,
            "{\"title\":\"queued\",\"body\":\"goes through the Redis list\"}",
            "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = Json.MAPPER.readTree(created.body()).path("id").asText();

        List<String> queued = client.lrange(RedisJobQueue.KEY, 0, -1);
        assertThat(queued).hasSize(1);
        JsonNode job = Json.MAPPER.readTree(queued.get(0));
        assertThat(job.path("journalId").asText()).isEqualTo(id);
        assertThat(job.path("trace").path("traceparent").asText()).startsWith("00-" + traceId + "-");
        assertThat(api.worker.jobs()).as("no HTTP hand-off with Redis").isEmpty();

        assertThat(summaryCached(api, id)).isFalse();
        assertThat(summaryCached(api, id)).isTrue();
        assertThat(client.get("summary:alice:" + id)).isNotBlank();
        assertThat(api.scrape())
            .contains("englog_cache_hits_total{cache_type=\"redis\",key_pattern=\"summary:*\"} 1.0");
        assertThat(api.get("/health/redis", null).statusCode()).isEqualTo(200);

        redis.freeze();
        try {
          long start = System.nanoTime();
          HttpResponse<String> whileFrozen = api.send("POST", "/api/journals", TestApi.ALICE,
              "{\"title\":\"frozen\",\"body\":\"Redis does not answer\"}");
          assertThat(whileFrozen.statusCode()).as("saved; the hand-off failed after its timeout").isEqualTo(201);
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
          redis.thaw();
        }
      } finally {
        api.close(); // flushes the spans
      }

      List<ReceivedSpan> spans = otlp.spans();
      ReceivedSpan send = spans.stream().filter(s -> s.name().equals("send summarize")).findFirst().orElseThrow();
      assertThat(send.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
      assertThat(send.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(send.attributes()).containsEntry("messaging.system", "redis")
          .containsEntry("peer.service", "redis").containsEntry("server.port", (long) redis.port());
      ReceivedSpan get = spans.stream().filter(s -> s.name().equals("GET")).findFirst().orElseThrow();
      assertThat(get.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(get.attributes()).containsEntry("db.system.name", "redis").containsEntry("peer.service", "redis");
    }
  }

  private static boolean summaryCached(TestApi api, String id) throws Exception {
    HttpResponse<String> summary = api.get("/api/journals/" + id + "/summary", TestApi.ALICE);
    assertThat(summary.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(summary.body()).path("cached").asBoolean();
  }
}
