package com.englog.observability.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fixed set of {@code error_type} values of {@code englog_ai_processing_errors_total}. An error is
 * classified from its type and cause chain (see {@link AiErrorClassifier#standard()}), never from its
 * message, so the label stays bounded and free of user data.
 */
public enum AiErrorType {
  /** The provider did not answer in time (socket, HTTP or future timeouts; HTTP 408 and 504). */
  TIMEOUT("timeout"),
  /** The provider throttled the call (HTTP 429, "rate limit", "too many requests", "throttl…"). */
  RATE_LIMIT("rate_limit"),
  /** Credentials were missing, wrong or lacked permission (HTTP 401 and 403). */
  AUTHENTICATION("authentication"),
  /** The request was refused as invalid (HTTP 400, 404, 413, 422; {@code IllegalArgumentException}). */
  INVALID_REQUEST("invalid_request"),
  /** The provider failed or is overloaded (HTTP 5xx other than 504). */
  PROVIDER_ERROR("provider_error"),
  /** The connection failed: refused, reset, unknown host, TLS, other I/O errors. */
  NETWORK("network"),
  /** The work was cancelled or its thread interrupted. */
  CANCELLED("cancelled"),
  /** None of the above. */
  UNKNOWN("unknown");

  private static final List<String> LABEL_VALUES;

  static {
    List<String> values = new ArrayList<>();
    for (AiErrorType t : values()) {
      values.add(t.labelValue);
    }
    LABEL_VALUES = Collections.unmodifiableList(values);
  }

  private final String labelValue;

  AiErrorType(String labelValue) {
    this.labelValue = labelValue;
  }

  /** The {@code error_type} label value, e.g. {@code rate_limit}. */
  public String labelValue() {
    return labelValue;
  }

  /** Every label value in declaration order. */
  public static List<String> labelValues() {
    return LABEL_VALUES;
  }
}
