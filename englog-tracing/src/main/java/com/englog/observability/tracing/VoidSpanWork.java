package com.englog.observability.tracing;

/**
 * The work a span measures, returning nothing; see {@link SpanWork} for how exceptions pass through.
 *
 * @param <E> the checked exception the work may throw ({@code RuntimeException} when none)
 */
@FunctionalInterface
public interface VoidSpanWork<E extends Throwable> {

  /** Does the work; runs on the caller's thread with the span current. */
  void run() throws E;
}
