package com.englog.observability.tracing;

/**
 * Attribute names the helpers set on spans: the OpenTelemetry semantic conventions where one exists
 * (database conventions, stable since semconv 1.33; messaging and GenAI conventions as of semconv
 * 1.44 and the GenAI conventions repository, both still in development), {@code englog.*} where none
 * fits.
 */
public final class SpanAttributes {

  /** Database system, e.g. {@code postgresql} (set on the {@link Tracing} instance). */
  public static final String DB_SYSTEM_NAME = "db.system.name";
  /** Database operation, e.g. {@code insert}. */
  public static final String DB_OPERATION_NAME = "db.operation.name";
  /** Table or collection, e.g. {@code journals}. */
  public static final String DB_COLLECTION_NAME = "db.collection.name";
  /** {@code "<operation> <table>"}, the low-cardinality grouping key; the span name is the same. */
  public static final String DB_QUERY_SUMMARY = "db.query.summary";
  /** The SQLSTATE of a failed query, e.g. {@code 23505}, when a {@code SQLException} carries one. */
  public static final String DB_RESPONSE_STATUS_CODE = "db.response.status_code";
  /** The database name ({@code database|schema} for PostgreSQL), when set on the instance. */
  public static final String DB_NAMESPACE = "db.namespace";
  /** Database host, when set on the instance. */
  public static final String SERVER_ADDRESS = "server.address";
  /** Database port, when set on the instance. */
  public static final String SERVER_PORT = "server.port";
  /**
   * GenAI operation, required by the GenAI conventions: {@code chat} unless the instance says
   * otherwise, or the task type itself when it is one of the conventions' operation names
   * ({@code embeddings}, {@code text_completion}, …).
   */
  public static final String GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
  /** AI provider, e.g. {@code openai} (replaces the older {@code gen_ai.system}). */
  public static final String GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
  /**
   * EngLog's AI task type, e.g. {@code summarize}: not one of GenAI's operation names
   * ({@code chat}, {@code embeddings}, …), so it gets its own attribute.
   */
  public static final String ENGLOG_AI_TASK_TYPE = "englog.ai.task_type";
  /** Fully qualified class name of the exception that failed the work. */
  public static final String ERROR_TYPE = "error.type";
  /** Queue system of job hand-off spans, e.g. {@code redis}. */
  public static final String MESSAGING_SYSTEM = "messaging.system";
  /** Queue or job type of job hand-off spans. */
  public static final String MESSAGING_DESTINATION_NAME = "messaging.destination.name";
  /** {@code send} (enqueue) or {@code process} (worker); required by the messaging conventions. */
  public static final String MESSAGING_OPERATION_NAME = "messaging.operation.name";
  /** {@code send} (enqueue) or {@code process} (worker). */
  public static final String MESSAGING_OPERATION_TYPE = "messaging.operation.type";

  private SpanAttributes() {}
}
