package com.englog.examples.api.web;

/** An answer other than success, with the HTTP status and the message of its JSON error body. */
public final class ApiException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false); // an answer, not a failure: no stack trace
    this.status = status;
  }

  public int status() {
    return status;
  }
}
