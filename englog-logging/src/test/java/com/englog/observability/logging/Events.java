package com.englog.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Logging events built directly, for encoder tests that need exact control over every part: each
 * method sets one part of the event (INFO, thread {@code main}, a fixed time and an empty MDC unless
 * set).
 */
final class Events {

  static final LoggerContext CONTEXT = new LoggerContext();

  private Events() {}

  static Builder event(String message) {
    return new Builder(message);
  }

  static final class Builder {
    private final LoggingEvent e;
    // logback lets these be set once only: kept here until build()
    private Level level = Level.INFO;
    private String thread = "main";
    private Map<String, String> mdc = Map.of();

    Builder(String message) {
      e = new LoggingEvent("fqcn", CONTEXT.getLogger("com.englog.api.JournalController"), null, message,
          null, null);
      e.setTimeStamp(1_700_000_000_123L);
    }

    Builder logger(String v) {
      e.setLoggerName(v);
      return this;
    }

    Builder level(Level v) {
      level = v;
      return this;
    }

    Builder args(Object... v) {
      e.setArgumentArray(v);
      return this;
    }

    Builder error(Throwable v) {
      e.setThrowableProxy(new ThrowableProxy(v));
      return this;
    }

    Builder thread(String v) {
      thread = v;
      return this;
    }

    Builder timestamp(long v) {
      e.setTimeStamp(v);
      return this;
    }

    Builder mdc(Map<String, String> v) {
      mdc = v;
      return this;
    }

    Builder kv(String key, Object value) {
      e.addKeyValuePair(new KeyValuePair(key, value));
      return this;
    }

    Builder marker(Marker m) {
      e.addMarker(m);
      return this;
    }

    LoggingEvent build() {
      e.setLevel(level);
      e.setThreadName(thread);
      e.setMDCPropertyMap(mdc);
      return e;
    }
  }
}
