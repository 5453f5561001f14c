package com.englog.observability.healthcheck.internal;

/** Not public API. An invalid configuration or command line: the message says what and where. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
