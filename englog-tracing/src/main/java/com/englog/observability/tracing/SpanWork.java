package com.englog.observability.tracing;

/**
 * The work a span measures, returning a value. Its checked exception type {@code E} passes through
 * the helpers unchanged: {@code traceDbQuery("insert", "journals", () -> repo.insert(j))} throws
 * exactly what {@code repo.insert} throws ({@code SQLException}, say), never a wrapper, and nothing
 * checked at all when the work throws nothing checked.
 *
 * @param <T> the result type
 * @param <E> the checked exception the work may throw ({@code RuntimeException} when none)
 */
@FunctionalInterface
public interface SpanWork<T, E extends Throwable> {

  /** Does the work; runs on the caller's thread with the span current. */
  T run() throws E;
}
