package com.englog.observability.logging;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The EngLog service events as one log line each, over SLF4J 2 key-value pairs: typed fields (numbers
 * stay numbers), no string concatenation, the field names of {@link LogFields}. Each call logs on the
 * calling thread, so {@link JsonEncoder} attaches that thread's trace and span ids.
 *
 * <pre>{@code
 * private static final StructuredLogger LOG = StructuredLogger.of(JournalController.class);
 * LOG.logRequest("POST", "/api/v1/journals/{id}", 201, elapsed, correlationId, userId);
 * }</pre>
 *
 * Thread-safe. Nothing here throws because of its arguments: a null is written as null (or left out
 * where noted), and the encoder bounds every value.
 */
public final class StructuredLogger {

  /** Metadata entries of a business event written per line; the rest are counted in {@code metadata_omitted}. */
  public static final int MAX_METADATA_ENTRIES = 64;

  private final Logger logger;

  private StructuredLogger(Logger logger) {
    this.logger = logger;
  }

  /** Writing to {@code logger}. */
  public static StructuredLogger of(Logger logger) {
    return new StructuredLogger(Objects.requireNonNull(logger, "logger"));
  }

  /** Writing to SLF4J's logger named after {@code type}. */
  public static StructuredLogger of(Class<?> type) {
    return of(LoggerFactory.getLogger(Objects.requireNonNull(type, "type")));
  }

  /** Writing to SLF4J's logger of this name. */
  public static StructuredLogger of(String name) {
    return of(LoggerFactory.getLogger(Objects.requireNonNull(name, "name")));
  }

  /** The SLF4J logger this writes to. */
  public Logger logger() {
    return logger;
  }

  /**
   * One HTTP request: message {@code http_request}, INFO, or WARN for a 5xx status.
   *
   * @param route         the route template ({@code /api/v1/journals/{id}}), never the raw path, which
   *                      carries ids and personal data
   * @param duration      written as {@code duration_ms}, a number with microsecond precision; left out if null
   * @param userId        left out when null (anonymous requests)
   */
  public void logRequest(String method, String route, int status, @Nullable Duration duration,
      String correlationId, @Nullable String userId) {
    boolean serverError = status >= 500;
    if (serverError ? !logger.isWarnEnabled() : !logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b = (serverError ? logger.atWarn() : logger.atInfo())
        .setMessage(LogFields.HTTP_REQUEST)
        .addKeyValue(LogFields.METHOD, method)
        .addKeyValue(LogFields.ROUTE, route)
        .addKeyValue(LogFields.STATUS, status);
    if (duration != null) {
      b.addKeyValue(LogFields.DURATION_MS, millis(duration));
    }
    b.addKeyValue(LogFields.CORRELATION_ID, correlationId);
    if (userId != null) {
      b.addKeyValue(LogFields.USER_ID, userId);
    }
    b.log();
  }

  /**
   * One AI task: {@code ai_processing_success} at INFO, or {@code ai_processing_error} at ERROR with
   * {@code error} attached as the line's structured (redacted) exception.
   */
  public void logAiProcessing(String taskType, String provider, @Nullable Duration duration,
      @Nullable Throwable error) {
    boolean failed = error != null;
    if (failed ? !logger.isErrorEnabled() : !logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b = (failed ? logger.atError() : logger.atInfo())
        .setMessage(failed ? LogFields.AI_PROCESSING_ERROR : LogFields.AI_PROCESSING_SUCCESS)
        .addKeyValue(LogFields.TASK_TYPE, taskType)
        .addKeyValue(LogFields.PROVIDER, provider);
    if (duration != null) {
      b.addKeyValue(LogFields.DURATION_MS, millis(duration));
    }
    if (failed) {
      b.setCause(error);
    }
    b.log();
  }

  /**
   * A business event: message {@code business_event}, INFO, fields {@code event}, {@code user_id} (left
   * out when null) and each metadata entry with its own name and type (maps and lists nest). A metadata
   * name equal to another field's is written as {@code kv.<name>}; fields named like secrets are redacted.
   *
   * <p>Never throws and always logs one line, whatever the map does: entries beyond
   * {@link #MAX_METADATA_ENTRIES}, entries whose value is the map itself, and what a map that throws
   * (from {@code size}, {@code isEmpty}, {@code entrySet}, its iterator or an entry) did not yield are
   * left out, and {@code metadata_omitted} says what: for example {@code "999936 entries beyond the
   * first 64"}, {@code "1 entry referring to the map itself: loop"} or {@code "all entries: entrySet()
   * threw java.lang.IllegalStateException"}. The map's {@code toString} is never called.
   */
  public void logBusinessEvent(String event, @Nullable String userId, Map<String, ?> metadata) {
    if (!logger.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b = logger.atInfo()
        .setMessage(LogFields.BUSINESS_EVENT)
        .addKeyValue(LogFields.EVENT, event);
    if (userId != null) {
      b.addKeyValue(LogFields.USER_ID, userId);
    }
    if (metadata != null) {
      String omitted = addMetadata(b, metadata);
      if (omitted != null) {
        b.addKeyValue(LogFields.METADATA_OMITTED, omitted);
      }
    }
    b.log();
  }

  /** Adds the entries of {@code metadata} it can read; returns what was left out, or null. */
  private static String addMetadata(LoggingEventBuilder b, Map<String, ?> metadata) {
    int written = 0;
    int selfReferences = 0;
    String step = "entrySet()";
    try {
      Iterator<? extends Map.Entry<String, ?>> it = metadata.entrySet().iterator();
      step = "its iterator";
      while (written < MAX_METADATA_ENTRIES && it.hasNext()) {
        Map.Entry<String, ?> e = it.next();
        step = "an entry";
        Object key = e.getKey();
        Object value = e.getValue();
        if (value == metadata) {
          selfReferences++;
        } else {
          b.addKeyValue(key instanceof String ? (String) key : String.valueOf(key), value);
          written++;
        }
        step = "its iterator";
      }
      if (!it.hasNext()) {
        return selfReferences == 0 ? null : loop(selfReferences);
      }
    } catch (RuntimeException | StackOverflowError e) {
      // A map that fails to iterate (concurrently modified, hostile): log what was collected.
      int read = written + selfReferences;
      return (read == 0 ? "all entries" : "entries after the " + ordinal(read)) + ": " + step + " threw "
          + e.getClass().getName() + (selfReferences == 0 ? "" : "; " + loop(selfReferences));
    }
    String rest;
    try {
      int size = metadata.size();
      rest = Math.max(0, size - written - selfReferences) + " entries beyond the first " + MAX_METADATA_ENTRIES;
    } catch (RuntimeException | StackOverflowError e) {
      rest = "entries beyond the first " + MAX_METADATA_ENTRIES + " (size() threw " + e.getClass().getName() + ")";
    }
    return selfReferences == 0 ? rest : rest + "; " + loop(selfReferences);
  }

  private static String loop(int selfReferences) {
    return selfReferences + (selfReferences == 1 ? " entry" : " entries") + " referring to the map itself: loop";
  }

  private static String ordinal(int n) {
    int mod100 = n % 100;
    String suffix = mod100 >= 11 && mod100 <= 13 ? "th"
        : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return n + suffix;
  }

  /** Milliseconds rounded to the microsecond, as a number. */
  static double millis(Duration d) {
    long micros;
    try {
      micros = Math.round(d.toNanos() / 1_000.0);
    } catch (ArithmeticException overflow) {
      micros = d.isNegative() ? Long.MIN_VALUE / 1_000 : Long.MAX_VALUE / 1_000;
    }
    return micros / 1_000.0;
  }
}
