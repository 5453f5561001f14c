package com.englog.observability.logging.internal.redaction;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Spans;
import java.util.Locale;
import java.util.Objects;

/**
 * One built-in detector of the redaction scan. It declares the ASCII characters a match can start on
 * and whether only at the start of a word (not after a letter, digit or {@code _}), and the characters
 * that may follow each of them; the scan's dispatch table is built from these declarations ({@link
 * DetectorTable}), so a detector is only ever called where it said it could match. Immutable.
 */
public abstract class Detector {

  /**
   * How far before the character it was dispatched on a match can start: the longest e-mail local
   * part (RFC 5321), scanned backwards from the {@code @}.
   */
  public static final int LOOKBACK = 64;

  private final RedactionDetector name;
  private final String firstChars;
  private final boolean wordStart;

  Detector(RedactionDetector name, String firstChars, boolean wordStart) {
    this.name = Objects.requireNonNull(name, "name");
    this.firstChars = Objects.requireNonNull(firstChars, "firstChars");
    this.wordStart = wordStart;
    if (firstChars.isEmpty()) {
      throw new IllegalStateException(name + " declares no first character");
    }
    for (int k = 0; k < firstChars.length(); k++) {
      if (firstChars.charAt(k) >= 128) {
        throw new IllegalStateException(name + " declares a non-ASCII first character");
      }
    }
  }

  public final RedactionDetector name() {
    return name;
  }

  /** The characters a match can start on. */
  public final String firstChars() {
    return firstChars;
  }

  /** True if a match starts only at the start of a word. */
  public final boolean wordStart() {
    return wordStart;
  }

  /**
   * The ASCII characters that may follow {@code first} (one of {@link #firstChars()}) in a match, or
   * null if any character may, the end of the text and non-ASCII ones included. Where a string is
   * declared, the scan does not call the detector before any other character, before a non-ASCII one
   * or at the end of the text: the declaration must hold every second character the detector can
   * match, or a secret is missed.
   */
  abstract String secondChars(char first);

  /**
   * Looks for a match starting at {@code s[i]} (one of {@link #firstChars()}), adding what to redact
   * to {@code out}. Allocates nothing.
   *
   * @return where the scan goes on (past the match), or -1 if nothing starts here
   */
  public abstract int scan(String s, int i, int n, Spans out);

  /** The {@code logback.xml} spelling of a detector name: {@code CREDIT_CARD} is {@code credit-card}. */
  public static String spelling(RedactionDetector name) {
    return name.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The detector called {@code name}; the key-value detector looks key names up in {@code names}. */
  static Detector create(RedactionDetector name, FieldNames names) {
    return switch (name) {
      case AUTHORIZATION -> new AuthorizationDetector();
      case URL_CREDENTIALS -> new UrlCredentialsDetector();
      case KEY_VALUE -> new KeyValueDetector(names);
      case TOKEN_FORMATS -> new TokenFormatsDetector();
      case PRIVATE_KEY -> new PrivateKeyDetector();
      case EMAIL -> new EmailDetector();
      case CREDIT_CARD -> new CreditCardDetector();
    };
  }

  @Override
  public String toString() {
    return spelling(name);
  }
}
