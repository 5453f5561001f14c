package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpansTest {

  private final InMemoryTracing memory = new InMemoryTracing();
  private final Tracing tracing = memory.tracing;

  @AfterEach
  void close() {
    memory.close();
  }

  @Test
  void anExceptionMarksTheSpanAsTheHelpersDo() {
    Span span = tracing.tracer().spanBuilder("own").startSpan();
    Spans.markFailure(span, new IOException("broken pipe"));
    span.end();
    assertThatThrownBy(() -> tracing.inSpan("helper", null, null, () -> {
      throw new IOException("broken pipe");
    })).isInstanceOf(IOException.class);

    SpanData own = memory.span("own");
    SpanData helper = memory.span("helper");
    for (SpanData s : new SpanData[] {own, helper}) {
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(s.getStatus().getDescription()).isEqualTo("broken pipe");
      assertThat(s.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("java.io.IOException");
      assertThat(s.getEvents()).singleElement().satisfies(e -> {
        assertThat(e.getName()).isEqualTo("exception");
        assertThat(e.getAttributes().get(ExceptionAttributes.EXCEPTION_MESSAGE)).isEqualTo("broken pipe");
      });
    }
  }

  @Test
  void anErrorTypeMarksTheSpanWithoutAnExceptionEvent() {
    Span span = tracing.tracer().spanBuilder("GET /journals").startSpan();
    Spans.markFailure(span, "503");
    span.end();

    SpanData data = memory.span("GET /journals");
    assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(data.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("503");
    assertThat(data.getEvents()).isEmpty();
  }

  @Test
  void aSpanThatIsNotRecordingIsLeftAlone() {
    Span ended = tracing.tracer().spanBuilder("ended").startSpan();
    ended.end();

    Spans.markFailure(ended, new IllegalStateException("late"));
    Spans.markFailure(Span.getInvalid(), "500");

    assertThat(memory.span("ended").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }
}
