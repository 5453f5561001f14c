package com.englog.observability.logging;

/**
 * A built-in detector of the redaction pipeline, for {@link JsonEncoder.Builder#enableDetector} and
 * {@link JsonEncoder.Builder#disableDetector}. In {@code logback.xml} a detector is named in lower case
 * with dashes: {@code <enableDetector>credit-card</enableDetector>}. All but {@link #CREDIT_CARD} are on by
 * default.
 */
public enum RedactionDetector {
  /** {@code Bearer} and {@code Basic} credentials in text. */
  AUTHORIZATION,
  /** The password of {@code scheme://user:password@host}. */
  URL_CREDENTIALS,
  /** The value after a deny-listed key and {@code =} or {@code :}. */
  KEY_VALUE,
  /** Well-known token formats: cloud access keys, source-host and API tokens, JWTs. */
  TOKEN_FORMATS,
  /** A PEM private key block. */
  PRIVATE_KEY,
  /** E-mail addresses (personal data). */
  EMAIL,
  /** Card numbers that pass the Luhn check (personal data); opt-in. */
  CREDIT_CARD
}
