package com.englog.observability.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fixed set of {@code reason} values of {@code englog_security_authentication_failures_total}.
 */
public enum AuthFailureReason {
  /** Wrong password or secret for a known user. */
  INVALID_CREDENTIALS("invalid_credentials"),
  /** No such user. */
  UNKNOWN_USER("unknown_user"),
  /** A token or session that has expired. */
  EXPIRED_TOKEN("expired_token"),
  /** A token that is malformed, has a bad signature or was revoked. */
  INVALID_TOKEN("invalid_token"),
  /** No credentials at all on a request that needs them. */
  MISSING_CREDENTIALS("missing_credentials"),
  /** The account is locked or disabled. */
  ACCOUNT_LOCKED("account_locked"),
  /** The second factor failed. */
  MFA_FAILED("mfa_failed"),
  /** Anything else. */
  OTHER("other");

  private static final List<String> LABEL_VALUES;

  static {
    List<String> values = new ArrayList<>();
    for (AuthFailureReason r : values()) {
      values.add(r.labelValue);
    }
    LABEL_VALUES = Collections.unmodifiableList(values);
  }

  private final String labelValue;

  AuthFailureReason(String labelValue) {
    this.labelValue = labelValue;
  }

  /** The {@code reason} label value, e.g. {@code expired_token}. */
  public String labelValue() {
    return labelValue;
  }

  /** Every label value in declaration order. */
  public static List<String> labelValues() {
    return LABEL_VALUES;
  }
}
