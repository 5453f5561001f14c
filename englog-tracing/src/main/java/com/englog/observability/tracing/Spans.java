package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.SpanHelpers;
import io.opentelemetry.api.trace.Span;
import java.util.Objects;

/**
 * Failure marking for spans of your own (an adapter's {@code SERVER} span, a span from {@link
 * Tracing#tracer()}), the same the helpers do when their work throws.
 *
 * <pre>{@code
 * try {
 *   chain.doFilter(request, response);
 * } catch (IOException | RuntimeException e) {
 *   Spans.markFailure(span, e);                                  // status ERROR, error.type, exception event
 *   throw e;
 * }
 * if (status >= 500) {
 *   Spans.markFailure(span, Integer.toString(status));            // status ERROR, error.type = "503"
 * }
 * }</pre>
 *
 * <p>Both do nothing to a span that is not recording (not sampled, or already ended), and never
 * throw because of the span.
 */
public final class Spans {

  private Spans() {}

  /**
   * Marks {@code span} failed by {@code error}: status ERROR described by the exception's message
   * (cut to 256 characters; the event keeps all of it), {@code error.type} the exception's class
   * name, and an {@code exception} event with its stack trace.
   */
  public static void markFailure(Span span, Throwable error) {
    SpanHelpers.markFailure(Objects.requireNonNull(span, "span"), Objects.requireNonNull(error, "error"));
  }

  /**
   * Marks {@code span} failed without an exception: status ERROR and {@code error.type} = {@code
   * errorType}, e.g. an HTTP server's status code as a string ({@code "500"}) as the HTTP conventions
   * ask, or a low-cardinality reason of your own.
   */
  public static void markFailure(Span span, String errorType) {
    SpanHelpers.markFailure(Objects.requireNonNull(span, "span"), Objects.requireNonNull(errorType, "errorType"));
  }
}
