package com.englog.observability.logging;

/** Default JSON field names of a log line, shared by the encoder and the structured logger. */
public final class LogFields {

  public static final String TIMESTAMP = "timestamp";
  public static final String LEVEL = "level";
  public static final String LOGGER = "logger";
  public static final String THREAD = "thread";
  public static final String MESSAGE = "message";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  private LogFields() {}
}
