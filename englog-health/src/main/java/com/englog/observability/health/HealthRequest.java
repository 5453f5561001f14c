package com.englog.observability.health;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link HealthHandler} needs to know about an HTTP request, whatever the container: method,
 * path, headers and the caller's address. Adapters ({@link HealthHttpServer}, {@link HealthHttpHandler}, the
 * servlet module) implement it over their request type.
 */
public interface HealthRequest {

  /** The HTTP method, e.g. {@code GET}. */
  String method();

  /** The raw request path without query string, e.g. {@code /health/ready}. */
  String path();

  /** The first value of a header (case-insensitive name), or null. */
  @Nullable String header(String name);

  /** The caller's IP address, or null when unknown. */
  default @Nullable String remoteAddress() {
    return null;
  }

  /** A request from its parts (tests, simple adapters). */
  static HealthRequest of(String method, String path, Function<String, @Nullable String> headers) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(headers, "headers");
    return new HealthRequest() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public @Nullable String header(String name) {
        return headers.apply(name);
      }
    };
  }
}
