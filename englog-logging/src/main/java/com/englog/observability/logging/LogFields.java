package com.englog.observability.logging;

/**
 * Default field names of a log line: the standard fields of {@link JsonEncoder} and the typed fields of
 * {@link StructuredLogger}. Log queries, dashboards and alert rules may rely on these.
 */
public final class LogFields {

  // Standard fields written by JsonEncoder (renamable with <fieldName>).
  public static final String TIMESTAMP = "timestamp";
  public static final String LEVEL = "level";
  public static final String LOGGER = "logger";
  public static final String THREAD = "thread";
  public static final String MESSAGE = "message";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  public static final String TRACE_FLAGS = "trace_flags";
  public static final String SERVICE = "service";
  public static final String ENVIRONMENT = "environment";
  public static final String MARKERS = "markers";
  /** The exception object: type, message, stack_hash, frames, cause, suppressed. */
  public static final String ERROR = "error";
  /** Present only on a line written after the normal encoding failed. */
  public static final String ENCODER_ERROR = "encoder_error";

  // Typed fields written by StructuredLogger.
  public static final String METHOD = "method";
  public static final String ROUTE = "route";
  public static final String STATUS = "status";
  public static final String DURATION_MS = "duration_ms";
  public static final String CORRELATION_ID = "correlation_id";
  public static final String USER_ID = "user_id";
  public static final String TASK_TYPE = "task_type";
  public static final String PROVIDER = "provider";
  public static final String EVENT = "event";
  public static final String METADATA_OMITTED = "metadata_omitted";

  // Messages of StructuredLogger's lines.
  public static final String HTTP_REQUEST = "http_request";
  public static final String AI_PROCESSING_SUCCESS = "ai_processing_success";
  public static final String AI_PROCESSING_ERROR = "ai_processing_error";
  public static final String BUSINESS_EVENT = "business_event";

  private LogFields() {}
}
