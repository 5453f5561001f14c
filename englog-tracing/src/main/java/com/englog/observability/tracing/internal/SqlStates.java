package com.englog.observability.tracing.internal;

/**
 * The SQLSTATE of a failed database call ({@code 23505}, {@code 08006}), for {@code
 * db.response.status_code}: the first {@code java.sql.SQLException} with one in the cause chain, as
 * drivers and data-access layers (Spring's {@code DataAccessException}) wrap it. {@code java.sql} is
 * looked for, not assumed: a runtime image built without it has no SQL errors to read.
 *
 * <p>Not public API.
 */
public final class SqlStates {

  private static final boolean SQL_PRESENT = ModuleLayer.boot().findModule("java.sql").isPresent();
  /** Causes followed at most; cycles and absurd chains end here. */
  static final int MAX_DEPTH = 8;

  private SqlStates() {}

  /** The SQLSTATE, or null when the chain holds no {@code SQLException} with one. */
  public static String of(Throwable failure) {
    if (!SQL_PRESENT) {
      return null;
    }
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
      if (t instanceof java.sql.SQLException) {
        String state = ((java.sql.SQLException) t).getSQLState();
        if (state != null && !state.isBlank()) {
          return state;
        }
      }
      t = t.getCause();
    }
    return null;
  }
}
