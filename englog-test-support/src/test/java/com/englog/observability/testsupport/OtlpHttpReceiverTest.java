package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class OtlpHttpReceiverTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private static ExportTraceServiceRequest request(String service, String spanName) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
                .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue(service))))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder()
                .setName(spanName)
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c")))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("b7ad6b7169203331")))
                .addAttributes(KeyValue.newBuilder().setKey("db.collection.name")
                    .setValue(AnyValue.newBuilder().setStringValue("journals")))
                .addAttributes(KeyValue.newBuilder().setKey("server.port")
                    .setValue(AnyValue.newBuilder().setIntValue(5432))))))
        .build();
  }

  private int post(OtlpHttpReceiver receiver, byte[] body, boolean gzip) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(receiver.tracesUri())
        .header("Content-Type", "application/x-protobuf")
        .timeout(Duration.ofSeconds(10));
    if (gzip) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
        zip.write(body);
      }
      body = out.toByteArray();
      builder.header("Content-Encoding", "gzip");
    }
    return client.send(builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void decodesPlainAndGzippedExportsIntoSpansWithTheirResource() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      assertThat(post(receiver, request("api", "insert journals").toByteArray(), false)).isEqualTo(200);
      assertThat(post(receiver, request("worker", "select journals").toByteArray(), true)).isEqualTo(200);

      var spans = receiver.awaitSpans(2, Duration.ofSeconds(5));
      assertThat(spans).extracting(ReceivedSpan::name).containsExactly("insert journals", "select journals");
      ReceivedSpan first = spans.get(0);
      assertThat(first.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(first.spanId()).isEqualTo("b7ad6b7169203331");
      assertThat(first.parentSpanId()).isEmpty();
      assertThat(first.attributes()).containsEntry("db.collection.name", "journals").containsEntry("server.port", 5432L);
      assertThat(spans.get(1).resourceAttributes()).containsEntry("service.name", "worker");
    }
  }

  @Test
  void answersWithTheConfiguredFailureStatus() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start().respondWith(500)) {
      assertThat(post(receiver, request("api", "x").toByteArray(), false)).isEqualTo(500);
      assertThat(receiver.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void awaitSpansFailsWithWhatArrived() {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      assertThatThrownBy(() -> receiver.awaitSpans(1, Duration.ofMillis(100)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("got 0");
    }
  }
}
