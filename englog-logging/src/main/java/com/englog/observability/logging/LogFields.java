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
  /**
   * The session id a service supplies. On the default field deny list (a session id is often the
   * session cookie, a credential): written {@code [REDACTED]} unless allowed with
   * {@code <allowField>session_id</allowField>}, which only a value that is not the cookie (an HMAC of
   * it, an opaque id) should be.
   */
  public static final String SESSION_ID = "session_id";
  /** The client's address (after trusted proxies), as a string. */
  public static final String CLIENT_ADDRESS = "client_address";
  /** The {@code User-Agent} header, redacted like any text. */
  public static final String USER_AGENT = "user_agent";
  /** Response body bytes (a number). */
  public static final String BYTES_OUT = "bytes_out";
  public static final String TASK_TYPE = "task_type";
  public static final String PROVIDER = "provider";
  public static final String EVENT = "event";
  public static final String METADATA_OMITTED = "metadata_omitted";

  // MDC keys put by the servlet filter for the duration of a request. JsonEncoder writes an MDC entry as
  // a top-level field under its key (or inside <mdcFieldName>), so these are the field names in every line
  // written during the request, the same names StructuredLogger uses for its typed fields.
  /** MDC key of the request's correlation id; field {@code correlation_id}. */
  public static final String MDC_CORRELATION_ID = CORRELATION_ID;
  /** MDC key of the user id a service supplies; field {@code user_id}. */
  public static final String MDC_USER_ID = USER_ID;
  /** MDC key of the session id a service supplies; field {@code session_id} (see {@link #SESSION_ID}). */
  public static final String MDC_SESSION_ID = SESSION_ID;

  // Messages of StructuredLogger's lines.
  public static final String HTTP_REQUEST = "http_request";
  public static final String AI_PROCESSING_SUCCESS = "ai_processing_success";
  public static final String AI_PROCESSING_ERROR = "ai_processing_error";
  public static final String BUSINESS_EVENT = "business_event";

  private LogFields() {}
}
