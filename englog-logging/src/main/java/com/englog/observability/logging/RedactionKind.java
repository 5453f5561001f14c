package com.englog.observability.logging;

/**
 * What a redaction removed; {@link #label()} is the value of the {@code kind} label of the metric
 * {@code englog_security_redactions_total}.
 */
public enum RedactionKind {
  /** Passwords, tokens, API keys, authorization headers, private keys found in text. */
  CREDENTIAL("credential"),
  /** Personal data found in text: e-mail addresses, and the configured PII patterns. */
  PII("pii"),
  /** A whole MDC or key-value field replaced because of its name (deny list or allow-list mode). */
  FIELD("field");

  private final String label;

  RedactionKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
