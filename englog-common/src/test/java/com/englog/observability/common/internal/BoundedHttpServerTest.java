package com.englog.observability.common.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedHttpServerTest {

  private static BoundedHttpServer server(int threads) {
    return BoundedHttpServer.builder("test").host("127.0.0.1").port(0).threads(threads)
        .requestTimeout(Duration.ofMillis(300))
        .context("/hello", exchange -> {
          byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        })
        .start();
  }

  @Test
  void clientsThatSendHalfARequestAreCutOffAndDoNotStarveOthers() throws Exception {
    try (BoundedHttpServer server = server(1)) {
      List<Socket> stalled = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.setSoTimeout(10_000);
        stalled.add(s);
      }
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri("/hello"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("hi");
      for (Socket s : stalled) {
        try (InputStream in = s.getInputStream()) {
          assertThat(in.read()).as("a stalled connection is closed without an answer").isEqualTo(-1);
        } catch (java.net.SocketException reset) {
          // closed by the server with a reset: also cut off
        }
        s.close();
      }
      assertThat(server.timedOutRequests()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void uriNamesALoopbackAddressForAWildcardBind() {
    try (BoundedHttpServer server = BoundedHttpServer.builder("test").host("0.0.0.0").port(0).start()) {
      assertThat(server.uri("/metrics"))
          .isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
    }
  }
}
