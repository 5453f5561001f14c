package com.englog.examples.worker;

import java.io.IOException;

/**
 * The AI provider answered with an error status. Public with a public {@link #statusCode()}, so
 * englog-metrics' standard {@code AiErrorClassifier} reads the status and counts a 503 as
 * {@code error_type="provider_error"}, a 429 as {@code rate_limit}, and so on.
 */
public final class AiProviderException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int statusCode;

  AiProviderException(int statusCode) {
    super("AI provider answered HTTP " + statusCode);
    this.statusCode = statusCode;
  }

  /** The HTTP status the provider answered. */
  public int statusCode() {
    return statusCode;
  }
}
