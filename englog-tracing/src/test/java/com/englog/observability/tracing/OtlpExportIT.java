package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import com.englog.observability.testsupport.RecordedRequest;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What leaves the service on the wire, decoded as a collector would decode it. */
class OtlpExportIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final OtlpHttpReceiver receiver = OtlpHttpReceiver.start();

  @AfterEach
  void stop() {
    receiver.close();
  }

  private Tracing tracing(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    all.put("HOSTNAME", "api-7f9c");
    return Tracing.builder()
        .serviceName("englog-api")
        .property("otel.resource.attributes", "service.version=1.4.2,deployment.environment.name=staging")
        .databaseServer("127.0.0.1", 5432)
        .property("otel.bsp.schedule.delay", "100ms")
        .configuration(Map.of(), all)
        .build();
  }

  @Test
  void spansArriveAsOtlpProtobufWithResourceHelperAttributesAndTheConfiguredHeaders() throws Exception {
    try (Tracing tracing = tracing(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20t0k3n"))) {
      tracing.traceDbQuery("insert", "journals", () -> 1);
      assertThatThrownBy(() -> tracing.traceAiProcessing("summarize", "openai", () -> {
        throw new IOException("provider timeout");
      })).isInstanceOf(IOException.class);

      List<ReceivedSpan> spans = receiver.awaitSpans(2, WAIT);
      assertThat(tracing.forceFlush(WAIT)).isTrue();
      assertThat(tracing.exportedSpans()).isEqualTo(2);

      ReceivedSpan db = spans.stream().filter(s -> s.name().equals("insert journals")).findFirst().orElseThrow();
      assertThat(db.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(db.attributes()).containsEntry("db.system.name", "postgresql")
          .containsEntry("db.operation.name", "insert").containsEntry("db.collection.name", "journals")
          .containsEntry("db.query.summary", "insert journals")
          .containsEntry(ServerAttributes.SERVER_ADDRESS.getKey(), "127.0.0.1")
          .containsEntry(ServerAttributes.SERVER_PORT.getKey(), 5432L);
      assertThat(db.resourceAttributes())
          .containsEntry("service.name", "englog-api")
          .containsEntry("service.version", "1.4.2")
          .containsEntry("deployment.environment.name", "staging")
          .containsEntry("host.name", "api-7f9c")
          .containsEntry("process.pid", ProcessHandle.current().pid())
          .containsEntry("telemetry.sdk.language", "java")
          .containsKey("service.instance.id");
      assertThat(db.scopeName()).isEqualTo(Tracing.INSTRUMENTATION_SCOPE);

      ReceivedSpan ai = spans.stream().filter(s -> s.name().equals("summarize openai")).findFirst().orElseThrow();
      assertThat(ai.statusCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
      assertThat(ai.proto().getStatus().getMessage()).isEqualTo("provider timeout");
      assertThat(ai.attributes()).containsEntry("gen_ai.operation.name", "chat")
          .containsEntry("gen_ai.provider.name", "openai")
          .containsEntry("error.type", "java.io.IOException");
      assertThat(ai.eventAttributes("exception")).containsEntry("exception.message", "provider timeout");

      RecordedRequest request = receiver.requests().get(0);
      assertThat(request.path()).isEqualTo("/v1/traces");
      assertThat(request.header("content-type")).isEqualTo("application/x-protobuf");
      assertThat(request.header("authorization")).isEqualTo("Bearer t0k3n");
    }
  }

  @Test
  void gzipCompressionIsSentAndDecodable() {
    try (Tracing tracing = tracing(Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"))) {
      tracing.traceDbQuery("select", "journals", () -> 1);
      receiver.awaitSpans(1, WAIT);
      assertThat(receiver.requests().get(0).header("content-encoding")).isEqualTo("gzip");
    }
  }

  @Test
  void theSignalSpecificEndpointIsUsedAsIs() {
    try (Tracing tracing = tracing(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.tracesUri().toString()))) {
      tracing.traceDbQuery("select", "journals", () -> 1);
      assertThat(receiver.awaitSpans(1, WAIT)).hasSize(1);
    }
  }

  @Test
  void closeFlushesWhatIsStillQueued() {
    Tracing tracing = Tracing.builder().serviceName("englog-worker").property("otel.bsp.schedule.delay", "10m")
        .configuration(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())).build();
    for (int i = 0; i < 10; i++) {
      tracing.traceDbQuery("select", "journals", () -> 1);
    }
    assertThat(receiver.requestCount()).as("nothing sent before close").isZero();

    tracing.close();

    assertThat(receiver.spans()).hasSize(10);
    assertThat(tracing.exportedSpans()).isEqualTo(10);
  }
}
