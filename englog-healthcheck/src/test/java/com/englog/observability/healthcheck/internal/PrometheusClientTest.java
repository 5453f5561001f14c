package com.englog.observability.healthcheck.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.englog.observability.testsupport.HttpRecorder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * What the CLI does when Prometheus (or whatever answers at its URL) misbehaves: a clear IOException,
 * never a crash, a hang or an unbounded buffer.
 */
class PrometheusClientTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void answersThatAreJsonButNotAQueryResultAreIoExceptions() {
    String[] answers = {
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":\"x\",\"value\":[1,\"2\"]}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"abc\"]}]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[]}]}}",
        "{\"status\":\"success\"}",
        "[1,2,3]",
    };
    try (HttpRecorder prometheus = HttpRecorder.start()) {
      PrometheusClient client = new PrometheusClient(prometheus.uri("/"), null, HTTP);
      for (String answer : answers) {
        prometheus.respondWith(200, "application/json", answer.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> client.query("up", TIMEOUT)).as(answer)
            .isInstanceOf(IOException.class).hasMessageContaining("with JSON that is not a query result");
      }
      prometheus.respondWith(200, "text/html", "<html>login</html>".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> client.query("up", TIMEOUT))
          .isInstanceOf(IOException.class).hasMessage("Prometheus answered HTTP 200 with a body that is not JSON");
    }
  }

  @Test
  void readsVectorsAndScalarsWithEscapesSpecialValuesAndFieldsAddedLater() throws Exception {
    try (HttpRecorder prometheus = HttpRecorder.start()) {
      PrometheusClient client = new PrometheusClient(prometheus.uri("/"), null, HTTP);
      prometheus.respondWith(200, "application/json", ("{\"status\":\"success\",\"warnings\":[\"w\"],\"data\":"
          + "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"job\":\"api\\u003c\",\"instance\":\"a:1\"},"
          + "\"value\":[1.7e9,\"NaN\"]},{\"metric\":{},\"value\":[1.7e9,\"+Inf\"]},"
          + "{\"metric\":{},\"value\":[1.7e9,\"0.25\"]}]}}").getBytes(StandardCharsets.UTF_8));

      List<PrometheusClient.Sample> samples = client.query("up", TIMEOUT);

      assertThat(samples).extracting(s -> s.value).containsExactly(Double.NaN, Double.POSITIVE_INFINITY, 0.25);
      assertThat(samples.get(0).labelText()).isEqualTo("{instance=\"a:1\", job=\"api<\"}");

      prometheus.respondWith(200, "application/json",
          "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.7e9,\"-Inf\"]}}"
              .getBytes(StandardCharsets.UTF_8));
      assertThat(client.query("vector(1)", TIMEOUT)).singleElement()
          .satisfies(s -> assertThat(s.value).isEqualTo(Double.NEGATIVE_INFINITY));
    }
  }

  @Test
  void prometheussOwnErrorIsTheMessage() {
    try (HttpRecorder prometheus = HttpRecorder.start()) {
      prometheus.respondWith(400, "application/json",
          "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}".getBytes(StandardCharsets.UTF_8));
      PrometheusClient client = new PrometheusClient(prometheus.uri("/"), null, HTTP);

      assertThatThrownBy(() -> client.query("sum(", TIMEOUT)).isInstanceOf(IOException.class)
          .hasMessage("Prometheus query failed (HTTP 400): bad_data: parse error");
    }
  }

  @Test
  void deeplyNestedOrBrokenJsonIsAnIoExceptionNotACrash() {
    String[] answers = {
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":" + "[".repeat(10_000),
        "[".repeat(10_000),
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[",
        "{\"status\":\"bad \\x escape\"}",
    };
    try (HttpRecorder prometheus = HttpRecorder.start()) {
      PrometheusClient client = new PrometheusClient(prometheus.uri("/"), null, HTTP);
      for (String answer : answers) {
        prometheus.respondWith(200, "application/json", answer.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> client.query("up", TIMEOUT)).as(answer.substring(0, Math.min(80, answer.length())))
            .isInstanceOf(IOException.class).hasMessageStartingWith("Prometheus answered HTTP 200 with ");
      }
    }
  }

  @Test
  void anAnswerLargerThanTheLimitIsRefused() throws Exception {
    try (HttpRecorder prometheus = HttpRecorder.start()) {
      prometheus.respondWith(200, "application/json", new byte[64 * 1024]);
      PrometheusClient client = new PrometheusClient(prometheus.uri("/"), null, HTTP, 16 * 1024);

      assertThatThrownBy(() -> client.query("up", TIMEOUT))
          .isInstanceOf(IOException.class).hasMessage("Prometheus answer larger than 16384 bytes");
    }
  }

  @Test
  void aBodyThatStallsAfterTheHeadersTimesOut() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stalling = new Thread(() -> {
        try (Socket s = server.accept()) {
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
              + "{\"status\":").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          done.await();
        } catch (IOException | InterruptedException ignored) {
          // The test is over.
        }
      });
      stalling.setDaemon(true);
      stalling.start();
      PrometheusClient client = new PrometheusClient(
          URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"), null, HTTP);

      // Without a bound on the whole exchange this would wait for the body forever.
      IOException error = assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
              () -> client.query("up", Duration.ofMillis(500))));
      assertThat(error).hasMessage("no complete answer from Prometheus within 500 ms");
    } finally {
      done.countDown();
    }
  }
}
