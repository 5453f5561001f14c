package com.englog.examples.api.journals;

import java.sql.SQLTransientConnectionException;

/** The database cannot serve this call now (down, frozen, or too many callers); the API answers 503. */
public final class DatabaseUnavailableException extends SQLTransientConnectionException {

  private static final long serialVersionUID = 1L;

  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, "08000", cause);
  }
}
