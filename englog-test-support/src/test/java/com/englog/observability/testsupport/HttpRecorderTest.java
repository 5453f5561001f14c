package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpRecorderTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void recordsMethodPathHeadersAndBodyAndAnswersAsConfigured() throws Exception {
    try (HttpRecorder recorder = HttpRecorder.start().respondWith(202, "accepted")) {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(recorder.uri("/hooks/abc?x=1"))
              .header("X-Test", "yes")
              .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEqualTo("accepted");
      RecordedRequest request = recorder.awaitRequests(1, Duration.ofSeconds(5)).get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/hooks/abc");
      assertThat(request.query()).isEqualTo("x=1");
      assertThat(request.header("x-test")).isEqualTo("yes");
      assertThat(request.bodyAsString()).isEqualTo("{\"text\":\"hi\"}");
    }
  }

  @Test
  void hangingRecorderRecordsButDoesNotAnswerUntilReleased() throws Exception {
    try (HttpRecorder recorder = HttpRecorder.start().hang()) {
      HttpRequest request = HttpRequest.newBuilder(recorder.uri("/v1/traces"))
          .timeout(Duration.ofSeconds(2))
          .POST(HttpRequest.BodyPublishers.ofString("x"))
          .build();
      assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(HttpTimeoutException.class);
      // Recorded on the server's thread, which a loaded machine may schedule after the client gave up.
      assertThat(recorder.awaitRequests(1, Duration.ofSeconds(10))).hasSize(1);

      recorder.release();
      HttpResponse<Void> answered = client.send(request, HttpResponse.BodyHandlers.discarding());
      assertThat(answered.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void awaitRequestsFailsWithWhatArrived() {
    try (HttpRecorder recorder = HttpRecorder.start()) {
      assertThatThrownBy(() -> recorder.awaitRequests(1, Duration.ofMillis(100)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("got 0");
    }
  }
}
