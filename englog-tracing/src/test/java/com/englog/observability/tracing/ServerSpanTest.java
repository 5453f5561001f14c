package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Tracing#startServerSpan}: a request's {@code SERVER} span that starts on the container's
 * thread and ends when the request completes, on another.
 */
class ServerSpanTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String PARENT_SPAN_ID = "b7ad6b7169203331";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  /** What the sampler saw when the span started. */
  private final AtomicReference<Attributes> sampled = new AtomicReference<>();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .setSampler(new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                Attributes attributes, List<LinkData> parentLinks) {
              sampled.set(attributes);
              return SamplingResult.recordAndSample();
            }

            @Override
            public String getDescription() {
              return "records what it saw";
            }
          })
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final Tracing tracing = Tracing.of(sdk);
  private final ExecutorService completion = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    completion.shutdownNow();
    tracing.close();
    sdk.close();
  }

  @Test
  @SuppressWarnings("try")
  void startedOnOneThreadEndedOnAnotherWithItsParentAttributesAndDuration() throws Exception {
    Context parent = tracing.extract(Context.root(), Map.of("traceparent", TRACEPARENT), (c, k) -> c.get(k));
    Attributes start = Attributes.of(HttpAttributes.HTTP_REQUEST_METHOD, "GET", UrlAttributes.URL_PATH, "/journals/7");

    Span span = tracing.startServerSpan("GET /journals/{id}", parent, start);
    assertThat(Span.current().getSpanContext().isValid()).as("not made current").isFalse();
    long startedAt = System.nanoTime();

    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
      try (Scope scope = span.storeInContext(parent).makeCurrent()) {
        sleepUninterruptibly(20);
        Span.current().setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L);
      }
      span.end();
    }, completion);
    done.get(10, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - startedAt;

    assertThat(sampled.get().get(HttpAttributes.HTTP_REQUEST_METHOD)).as("the sampler saw the start attributes")
        .isEqualTo("GET");
    SpanData data = exporter.getFinishedSpanItems().get(0);
    assertThat(data.getName()).isEqualTo("GET /journals/{id}");
    assertThat(data.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(data.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(data.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
    assertThat(data.getAttributes().get(UrlAttributes.URL_PATH)).isEqualTo("/journals/7");
    assertThat(data.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    long duration = data.getEndEpochNanos() - data.getStartEpochNanos();
    assertThat(duration).as("from start to the end on the other thread")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20)).isLessThanOrEqualTo(elapsed);
    assertThat(data.hasEnded()).isTrue();
  }

  @Test
  void theBuilderTakesStartAttributesOneByOneAndTheSamplerSeesThem() {
    Context parent = tracing.extract(Map.of("traceparent", TRACEPARENT));

    Span span = tracing.serverSpanBuilder("GET", parent)
        .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
        .setAttribute(UrlAttributes.URL_PATH, "/journals/7")
        .startSpan();
    assertThat(Span.current().getSpanContext().isValid()).as("not made current").isFalse();
    span.end();

    assertThat(sampled.get().get(UrlAttributes.URL_PATH)).as("the sampler saw the start attributes")
        .isEqualTo("/journals/7");
    SpanData data = exporter.getFinishedSpanItems().get(0);
    assertThat(data.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(data.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
    assertThat(data.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD)).isEqualTo("GET");

    Tracing noop = Tracing.noop();
    Span passing = noop.serverSpanBuilder("GET", noop.extract(Map.of("traceparent", TRACEPARENT)))
        .setAttribute(UrlAttributes.URL_PATH, "/journals/7").startSpan();
    assertThat(passing.isRecording()).isFalse();
    assertThat(passing.getSpanContext().getTraceId()).as("trace context passes through").isEqualTo(TRACE_ID);
    assertThat(noop.serverSpanBuilder("GET", Context.root()).startSpan().getSpanContext().isValid()).isFalse();
  }

  @Test
  void withoutRecordingItIsANonRecordingSpanThatStillCarriesTheCallersTrace() {
    Tracing noop = Tracing.noop();
    Context parent = noop.extract(Map.of("traceparent", TRACEPARENT));

    Span span = noop.startServerSpan("GET /journals/{id}", parent, Attributes.of(AttributeKey.stringKey("k"), "v"));
    span.end();

    assertThat(span.isRecording()).isFalse();
    assertThat(span.getSpanContext().getTraceId()).as("trace context passes through").isEqualTo(TRACE_ID);
    assertThat(noop.startServerSpan("GET /", Context.root(), null).getSpanContext().isValid()).isFalse();
  }

  @Test
  void theModeSaysWhetherToStartOneOrEnrichTheAgents() {
    assertThat(tracing.mode()).isEqualTo(Tracing.Mode.EXTERNAL);
    assertThat(Tracing.noop().mode()).isEqualTo(Tracing.Mode.NOOP);
  }

  private static void sleepUninterruptibly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
