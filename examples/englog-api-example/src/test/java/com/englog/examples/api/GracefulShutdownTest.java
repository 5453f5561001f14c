package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What SIGTERM runs ({@link ApiServer#shutdown()}, called by {@code ApiMain}'s shutdown hook): readiness
 * answers 503 while a slow request is still in flight, that request completes, and its spans reach the
 * OTLP endpoint before the service is gone.
 */
class GracefulShutdownTest {

  @TempDir
  Path tmp;

  @Test
  void readinessFailsFirstThenInFlightRequestsFinishAndSpansAreFlushed() throws Exception {
    try (OtlpHttpReceiver otlp = OtlpHttpReceiver.start()) {
      TestApi api = TestApi.start(tmp, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint()));
      try {
        String id = api.createJournal("Thursday", "A slow summary is in flight when the service is told to stop.");
        api.ai.control(2_500, 0.0);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
          try {
            return api.get("/api/journals/" + id + "/summary", TestApi.ALICE);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(500); // the request is now waiting for the provider

        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(api.server::shutdown);
        int readiness = awaitReadinessNot200(api);
        assertThat(readiness).as("readiness during shutdown").isEqualTo(503);
        assertThat(inFlight.isDone()).as("summary still in flight when readiness failed").isFalse();

        HttpResponse<String> summary = inFlight.get();
        assertThat(summary.statusCode()).as("in-flight request drained").isEqualTo(200);
        shutdown.get();
      } finally {
        api.ai.close();
        api.worker.close();
      }

      // Everything ended before shutdown returned is exported: the request's SERVER span and its calls.
      List<ReceivedSpan> spans = otlp.spans();
      assertThat(spans).anySatisfy(s -> {
        assertThat(s.name()).isEqualTo("GET /api/journals/{id}/summary");
        assertThat(s.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
      });
      ReceivedSpan ai = spans.stream().filter(s -> s.name().equals("summarize simulated")).findFirst().orElseThrow();
      assertThat(ai.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(ai.attributes()).containsEntry("peer.service", "englog-ai-provider")
          .containsEntry("server.address", "127.0.0.1").containsKey("server.port");
      ReceivedSpan insert = spans.stream().filter(s -> s.name().equals("insert journals")).findFirst().orElseThrow();
      assertThat(insert.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(insert.attributes()).containsEntry("peer.service", "h2").containsEntry("db.system.name", "h2");
      ReceivedSpan send = spans.stream().filter(s -> s.name().equals("send summarize")).findFirst().orElseThrow();
      assertThat(send.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
      assertThat(send.attributes()).containsEntry("peer.service", "englog-worker").containsKey("server.port");
      assertThat(spans).allSatisfy(s -> assertThat(s.resourceAttributes()).containsEntry("service.name", "englog-api"));
    }
  }

  /** Polls readiness (each poll on a new connection) until it answers something else than 200. */
  private static int awaitReadinessNot200(TestApi api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      int status = api.get("/health/ready", null).statusCode();
      if (status != 200) {
        return status;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("readiness still 200 five seconds after shutdown started");
  }
}
