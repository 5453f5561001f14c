package com.englog.observability.logging.internal;

/** A field name known at configuration time, pre-encoded for the output format in use. */
public final class FieldName {

  /** Not one of the standard header fields. */
  public static final int OTHER = -1;
  public static final int TIMESTAMP = 0;
  public static final int LEVEL = 1;
  public static final int LOGGER = 2;
  public static final int THREAD = 3;
  public static final int MESSAGE = 4;

  final String text;
  final int standard;
  final byte[] encoded;

  FieldName(String text, int standard, byte[] encoded) {
    this.text = text;
    this.standard = standard;
    this.encoded = encoded;
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
