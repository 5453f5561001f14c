package com.englog.observability.metrics;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link ScrapeEndpoint} needs to know about an HTTP request, whatever the container: the
 * method and a few headers ({@code Accept}, {@code Accept-Encoding}, {@code Authorization}). Adapters
 * ({@link MetricsHttpServer}, the servlet module's {@code MetricsServlet}) implement it over their
 * request type.
 */
public interface ScrapeRequest {

  /** The HTTP method, e.g. {@code GET}. */
  String method();

  /**
   * The header {@code name} (case-insensitive), or null when absent. A header sent on several lines is
   * one value, its lines joined with {@code ","} (as HTTP defines for list headers).
   */
  @Nullable String header(String name);

  /** A request from its parts (tests, simple adapters). */
  static ScrapeRequest of(String method, Function<String, @Nullable String> headers) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(headers, "headers");
    return new ScrapeRequest() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public @Nullable String header(String name) {
        return headers.apply(name);
      }

      @Override
      public String toString() {
        return "ScrapeRequest{" + method + "}";
      }
    };
  }
}
