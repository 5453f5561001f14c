package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PropagationTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private final InMemoryTracing memory = new InMemoryTracing(b -> b.property("otel.propagators", "tracecontext,baggage,b3,b3multi,jaeger"));
  private final Tracing tracing = memory.tracing;

  @AfterEach
  void close() {
    memory.close();
  }

  private static SpanContext spanContext(Context context) {
    return Span.fromContext(context).getSpanContext();
  }

  @Test
  @SuppressWarnings("try")
  void w3cContextRoundTripsThroughACarrierIntoAChildSpan() {
    Map<String, String> carrier = new HashMap<>();
    String[] sent = new String[3];
    tracing.inSpan("send", SpanKind.CLIENT, null, () -> {
      sent[0] = Span.current().getSpanContext().getTraceId();
      sent[1] = Span.current().getSpanContext().getSpanId();
      sent[2] = Span.current().getSpanContext().getTraceFlags().asHex();
      try (Scope s = Context.current().with(Baggage.builder().put("tenant", "acme").build()).makeCurrent()) {
        tracing.inject(carrier);
      }
    });

    // Flags: sampled, plus W3C level 2's "random trace id" bit that the SDK sets.
    assertThat(sent[2]).isIn("01", "03");
    assertThat(carrier.get("traceparent")).isEqualTo("00-" + sent[0] + "-" + sent[1] + "-" + sent[2]);
    assertThat(carrier.get("baggage")).isEqualTo("tenant=acme");
    Context received = tracing.extract(carrier);
    assertThat(spanContext(received).getTraceId()).isEqualTo(sent[0]);
    assertThat(spanContext(received).isRemote()).isTrue();
    assertThat(Baggage.fromContext(received).getEntryValue("tenant")).isEqualTo("acme");
    try (Scope s = received.makeCurrent()) {
      tracing.inSpan("receive", SpanKind.SERVER, null, () -> 1);
    }
    SpanData receive = memory.span("receive");
    assertThat(receive.getTraceId()).isEqualTo(sent[0]);
    assertThat(receive.getParentSpanId()).isEqualTo(sent[1]);
  }

  @Test
  void everySelectedFormatIsWrittenOnTheWayOut() {
    Map<String, String> carrier = new HashMap<>();
    tracing.inSpan("send", SpanKind.CLIENT, null, () -> tracing.inject(carrier));
    String traceId = memory.span("send").getTraceId();
    String spanId = memory.span("send").getSpanId();
    String flags = memory.span("send").getSpanContext().getTraceFlags().asHex();

    assertThat(carrier).containsEntry("traceparent", "00-" + traceId + "-" + spanId + "-" + flags)
        .containsEntry("b3", traceId + "-" + spanId + "-1")
        .containsEntry("X-B3-TraceId", traceId)
        .containsEntry("X-B3-SpanId", spanId)
        .containsEntry("uber-trace-id", traceId + ":" + spanId + ":0:1");
  }

  @Test
  void b3SingleB3MultiAndJaegerHeadersAreRead() {
    assertThat(spanContext(tracing.extract(Map.of("b3", TRACE_ID + "-" + SPAN_ID + "-1"))).getSpanId())
        .isEqualTo(SPAN_ID);
    assertThat(spanContext(tracing.extract(Map.of("X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID,
        "X-B3-Sampled", "1"))).getTraceId()).isEqualTo(TRACE_ID);
    SpanContext jaeger = spanContext(tracing.extract(Map.of("uber-trace-id", TRACE_ID + ":" + SPAN_ID + ":0:1")));
    assertThat(jaeger.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(jaeger.isSampled()).isTrue();
    // 64-bit B3 ids are widened as the B3 specification says.
    assertThat(spanContext(tracing.extract(Map.of("b3", "8448eb211c80319c-" + SPAN_ID))).getTraceId())
        .isEqualTo("00000000000000008448eb211c80319c");
  }

  @Test
  void caseInsensitiveCarriersAndLowerCaseStorageWork() throws Exception {
    String traceparent = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";
    java.util.TreeMap<String, String> insensitive = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    insensitive.put("TRACEPARENT", traceparent);
    assertThat(spanContext(tracing.extract(insensitive)).getTraceId()).isEqualTo(TRACE_ID);

    com.sun.net.httpserver.Headers jdkHeaders = new com.sun.net.httpserver.Headers();
    jdkHeaders.add("TraceParent", traceparent);
    assertThat(spanContext(tracing.extractHeaders(jdkHeaders)).getSpanId()).isEqualTo(SPAN_ID);

    // B3's X-B3-TraceId as HTTP/2 (and a lower-casing proxy) stores it.
    assertThat(spanContext(tracing.extract(Map.of("x-b3-traceid", TRACE_ID, "x-b3-spanid", SPAN_ID,
        "x-b3-sampled", "1"))).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(spanContext(tracing.extractHeaders(Map.of("traceparent", List.of(traceparent)))).getSpanId())
        .isEqualTo(SPAN_ID);
  }

  @Test
  void twoTraceparentLinesAreRejectedAndCountedNotGuessed() {
    Context context = tracing.extractHeaders(Map.of("traceparent", List.of(
        "00-" + TRACE_ID + "-" + SPAN_ID + "-01", "00-11111111111111111111111111111111-2222222222222222-01")));

    assertThat(spanContext(context).isValid()).isFalse();
    assertThat(tracing.rejectedContexts()).isEqualTo(1);
  }

  @Test
  void malformedContextsAreCountedButAbsentOnesAreNot() {
    tracing.extract(Map.of());
    tracing.extract(Map.of("x-request-id", "abc"));
    assertThat(tracing.rejectedContexts()).isZero();

    tracing.extract(Map.of("traceparent", "00-" + TRACE_ID + "-0000000000000000-01"));
    tracing.extract(Map.of("uber-trace-id", "%zz"));
    tracing.extract(Map.of("b3", "not-a-context"));
    tracing.extract(Map.of("X-B3-TraceId", "zz", "X-B3-SpanId", SPAN_ID));
    tracing.extract(Map.of("x-b3-traceid", "zz", "x-b3-spanid", SPAN_ID));
    assertThat(tracing.rejectedContexts()).isEqualTo(5);
  }

  @Test
  void oversizedValuesAreIgnored() {
    String huge = "00-" + TRACE_ID + "-" + SPAN_ID + "-01" + ",".repeat(9000);
    assertThat(spanContext(tracing.extract(Map.of("traceparent", huge))).isValid()).isFalse();
    assertThat(Baggage.fromContext(tracing.extract(Map.of("baggage", "k=" + "v".repeat(10_000)))).isEmpty()).isTrue();
  }

  @Test
  void extractionStartsFromTheRootNotFromWhateverIsCurrent() {
    tracing.inSpan("unrelated", null, null, () -> {
      Context fresh = tracing.extract(Map.of());
      assertThat(spanContext(fresh).isValid()).isFalse();
    });
  }

  @Test
  void injectWritesIntoAnyCarrierSuchAsAnHttpRequest() {
    HttpRequest request = tracing.inSpan("call", SpanKind.CLIENT, null, () -> {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/"));
      tracing.inject(builder, HttpRequest.Builder::header);
      return builder.build();
    });

    assertThat(request.headers().firstValue("traceparent")).hasValueSatisfying(v ->
        assertThat(v).contains(memory.span("call").getSpanId()));
  }

  @Test
  void aReadOnlyCarrierDoesNotFailTheCall() {
    assertThat(tracing.inSpan("x", null, null, () -> {
      tracing.inject(Map.of());
      return "done";
    })).isEqualTo("done");
  }

}
