package com.englog.examples.api.summaries;

import java.io.IOException;

/**
 * The AI provider answered with an error status. {@link #statusCode()} lets englog-metrics classify it
 * ({@code 429} → {@code rate_limit}, {@code 5xx} → {@code provider_error}, …) without reading the message.
 */
public final class AiProviderException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int statusCode;

  public AiProviderException(int statusCode) {
    super("AI provider answered HTTP " + statusCode);
    this.statusCode = statusCode;
  }

  public int statusCode() {
    return statusCode;
  }
}
