package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.StandardAiErrorClassifier;
import org.jspecify.annotations.Nullable;

/**
 * Maps an AI provider failure to its {@link AiErrorType}. Called on the recording thread for each
 * failed call: it must be fast and must not throw (if it throws or returns null, the standard
 * classification applies).
 *
 * <pre>{@code
 * EnglogMetrics metrics = EnglogMetrics.builder()
 *     .aiErrorClassifier(e -> e instanceof QuotaExhausted ? AiErrorType.RATE_LIMIT : null)
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface AiErrorClassifier {

  /** The error's type, or null to fall back to {@link #standard()}. */
  @Nullable AiErrorType classify(Throwable error);

  /**
   * Classifies by the exception and its causes, outermost first, never by the message: an HTTP status
   * the exception carries (an {@code int} {@code statusCode()}, {@code getStatusCode()},
   * {@code status()}, {@code getStatus()}, {@code code()} or {@code getRawStatusCode()}), then JDK
   * types (timeouts, cancellation, connection and TLS errors), then words in the class names of the
   * exception's type hierarchy ({@code RateLimit}, {@code TooManyRequests}, {@code Unauthorized},
   * {@code BadRequest}, {@code ServiceUnavailable}, …). A plain {@code IOException} counts as
   * {@code network} and an {@code IllegalArgumentException} as {@code invalid_request} only when no
   * cause says more.
   */
  static AiErrorClassifier standard() {
    return StandardAiErrorClassifier.INSTANCE;
  }
}
