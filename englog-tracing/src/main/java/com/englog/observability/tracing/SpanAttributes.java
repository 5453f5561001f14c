package com.englog.observability.tracing;

/**
 * Attribute names the helpers set on spans: OpenTelemetry semantic conventions where one exists.
 */
public final class SpanAttributes {

  /** Database system, e.g. {@code postgresql}. */
  public static final String DB_SYSTEM_NAME = "db.system.name";
  /** Database operation, e.g. {@code insert}. */
  public static final String DB_OPERATION_NAME = "db.operation.name";
  /** Table or collection. */
  public static final String DB_COLLECTION_NAME = "db.collection.name";

  private SpanAttributes() {}
}
