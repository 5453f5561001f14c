package com.englog.examples.api.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.examples.api.web.Json;
import com.englog.observability.tracing.Tracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedAiProviderTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private SimulatedAiProvider provider;
  private URI base;

  @BeforeEach
  void start() throws Exception {
    provider = SimulatedAiProvider.start("127.0.0.1", 0, Tracing.noop());
    base = URI.create("http://127.0.0.1:" + provider.port());
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  @Test
  void summarizesTheFirstWords() throws Exception {
    HttpResponse<String> answer = send("POST", "/v1/summarize",
        "{\"text\":\"one two three four five six seven eight nine ten eleven twelve thirteen fourteen\"}");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(answer.body()).path("summary").asText())
        .isEqualTo("one two three four five six seven eight nine ten eleven twelve");
    assertThat(Json.MAPPER.readTree(answer.body()).path("tokens").asInt()).isEqualTo(12);
  }

  @Test
  void controlChangesFailureRateAndLatencyWhileRunning() throws Exception {
    assertThat(send("PUT", "/control", "{\"latencyMs\":0,\"failureRate\":1.0}").statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v1/summarize", "{\"text\":\"fails\"}").statusCode()).isIn(500, 503);

    assertThat(send("PUT", "/control", "{\"latencyMs\":300,\"failureRate\":0.0}").statusCode()).isEqualTo(200);
    long start = System.nanoTime();
    assertThat(send("POST", "/v1/summarize", "{\"text\":\"slow\"}").statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

    HttpResponse<String> current = send("GET", "/control", null);
    assertThat(Json.MAPPER.readTree(current.body()).path("latencyMs").asLong()).isEqualTo(300);
    assertThat(send("PUT", "/control", "{\"failureRate\":7}").statusCode()).isEqualTo(400);
    assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
