package com.englog.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/** Logging events built directly, for encoder tests that need exact control over every part. */
final class Events {

  static final LoggerContext CONTEXT = new LoggerContext();

  private Events() {}

  static Builder event(String message) {
    return new Builder(message);
  }

  static final class Builder {
    private final String message;
    private String logger = "com.englog.api.JournalController";
    private Level level = Level.INFO;
    private Object[] args;
    private Throwable error;
    private String thread = "main";
    private long timestamp = 1_700_000_000_123L;
    private Map<String, String> mdc = Map.of();
    private final List<KeyValuePair> kvs = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    Builder(String message) {
      this.message = message;
    }

    Builder logger(String v) {
      logger = v;
      return this;
    }

    Builder level(Level v) {
      level = v;
      return this;
    }

    Builder args(Object... v) {
      args = v;
      return this;
    }

    Builder error(Throwable v) {
      error = v;
      return this;
    }

    Builder thread(String v) {
      thread = v;
      return this;
    }

    Builder timestamp(long v) {
      timestamp = v;
      return this;
    }

    Builder mdc(Map<String, String> v) {
      mdc = v;
      return this;
    }

    Builder kv(String key, Object value) {
      kvs.add(new KeyValuePair(key, value));
      return this;
    }

    Builder marker(Marker m) {
      markers.add(m);
      return this;
    }

    LoggingEvent build() {
      Logger l = CONTEXT.getLogger(logger);
      LoggingEvent e = new LoggingEvent("fqcn", l, level, message, error, args);
      e.setThreadName(thread);
      e.setTimeStamp(timestamp);
      e.setMDCPropertyMap(mdc);
      if (!kvs.isEmpty()) {
        e.setKeyValuePairs(kvs);
      }
      markers.forEach(e::addMarker);
      return e;
    }
  }
}
