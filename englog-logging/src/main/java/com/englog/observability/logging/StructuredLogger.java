package com.englog.observability.logging;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;
import org.slf4j.spi.NOPLoggingEventBuilder;

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
   * One HTTP request: message {@code http_request}, INFO, or WARN for a 5xx status. For the client
   * address, user agent, session id and bytes out use {@link #logRequest(RequestLog)}.
   *
   * @param route         the route template ({@code /api/v1/journals/{id}}), never the raw path, which
   *                      carries ids and personal data
   * @param duration      written as {@code duration_ms}, a number with microsecond precision; left out if null
   * @param correlationId written as null when null; left out when the MDC holds the same value under
   *                      {@link LogFields#MDC_CORRELATION_ID} (the line has it already)
   * @param userId        left out when null (anonymous requests) or when the MDC holds the same value
   */
  public void logRequest(String method, String route, int status, @Nullable Duration duration,
      String correlationId, @Nullable String userId) {
    write(method, route, status, duration, correlationId, true, userId, null, null, null, -1);
  }

  /**
   * One HTTP request with every field an access log carries: message {@code http_request}, INFO, or WARN
   * for a 5xx status; {@code method}, {@code route}, {@code status}, then each of {@code duration_ms},
   * {@code correlation_id}, {@code user_id}, {@code session_id}, {@code client_address},
   * {@code user_agent}, {@code bytes_out} that is set. A correlation, user or session id equal to the MDC
   * entry of the same name ({@link LogFields#MDC_CORRELATION_ID} and its siblings) is left out: the line
   * carries the MDC entry under that name already, and a second copy would be written as
   * {@code kv.correlation_id}. Every string goes through the encoder's redaction like any other value.
   *
   * <pre>{@code
   * LOG.logRequest(StructuredLogger.RequestLog.builder("GET", "/api/v1/journals/{id}", 200)
   *     .duration(elapsed).correlationId(id).clientAddress("203.0.113.7")
   *     .userAgent(request.getHeader("User-Agent")).bytesOut(512)
   *     .build());
   * }</pre>
   */
  public void logRequest(RequestLog request) {
    Objects.requireNonNull(request, "request");
    write(request.method, request.route, request.status, request.duration, request.correlationId, false,
        request.userId, request.sessionId, request.clientAddress, request.userAgent, request.bytesOut);
  }

  private void write(String method, String route, int status, @Nullable Duration duration,
      @Nullable String correlationId, boolean correlationAlways, @Nullable String userId,
      @Nullable String sessionId, @Nullable String clientAddress, @Nullable String userAgent, long bytesOut) {
    // atInfo()/atWarn() ask the logger once whether the level is enabled (with logback's turbo
    // filters, each such question runs them): no separate isInfoEnabled() call before.
    LoggingEventBuilder b = status >= 500 ? logger.atWarn() : logger.atInfo();
    if (b instanceof NOPLoggingEventBuilder) {
      return;
    }
    b.setMessage(LogFields.HTTP_REQUEST)
        .addKeyValue(LogFields.METHOD, method)
        .addKeyValue(LogFields.ROUTE, route)
        .addKeyValue(LogFields.STATUS, status);
    if (duration != null) {
      b.addKeyValue(LogFields.DURATION_MS, millis(duration));
    }
    if ((correlationId != null || correlationAlways) && !inMdc(LogFields.MDC_CORRELATION_ID, correlationId)) {
      b.addKeyValue(LogFields.CORRELATION_ID, correlationId);
    }
    if (userId != null && !inMdc(LogFields.MDC_USER_ID, userId)) {
      b.addKeyValue(LogFields.USER_ID, userId);
    }
    if (sessionId != null && !inMdc(LogFields.MDC_SESSION_ID, sessionId)) {
      b.addKeyValue(LogFields.SESSION_ID, sessionId);
    }
    if (clientAddress != null) {
      b.addKeyValue(LogFields.CLIENT_ADDRESS, clientAddress);
    }
    if (userAgent != null) {
      b.addKeyValue(LogFields.USER_AGENT, userAgent);
    }
    if (bytesOut >= 0) {
      b.addKeyValue(LogFields.BYTES_OUT, bytesOut);
    }
    b.log();
  }

  /** Whether the calling thread's MDC holds {@code value} (not null) under {@code key}. */
  private static boolean inMdc(String key, @Nullable String value) {
    return value != null && value.equals(MDC.get(key));
  }

  /**
   * The fields of one {@code http_request} line, for {@link StructuredLogger#logRequest(RequestLog)}.
   * Immutable; built by {@link #builder(String, String, int)}. Optional fields left unset are left out of
   * the line.
   */
  public static final class RequestLog {

    private final String method;
    private final String route;
    private final int status;
    private final @Nullable Duration duration;
    private final @Nullable String correlationId;
    private final @Nullable String userId;
    private final @Nullable String sessionId;
    private final @Nullable String clientAddress;
    private final @Nullable String userAgent;
    private final long bytesOut;

    private RequestLog(Builder b) {
      this.method = b.method;
      this.route = b.route;
      this.status = b.status;
      this.duration = b.duration;
      this.correlationId = b.correlationId;
      this.userId = b.userId;
      this.sessionId = b.sessionId;
      this.clientAddress = b.clientAddress;
      this.userAgent = b.userAgent;
      this.bytesOut = b.bytesOut;
    }

    /**
     * A request of {@code method} on {@code route} that answered {@code status}.
     *
     * @param route the route template ({@code /api/v1/journals/{id}}), never the raw path
     */
    public static Builder builder(String method, String route, int status) {
      return new Builder(method, route, status);
    }

    public String method() {
      return method;
    }

    public String route() {
      return route;
    }

    public int status() {
      return status;
    }

    public @Nullable Duration duration() {
      return duration;
    }

    public @Nullable String correlationId() {
      return correlationId;
    }

    public @Nullable String userId() {
      return userId;
    }

    public @Nullable String sessionId() {
      return sessionId;
    }

    public @Nullable String clientAddress() {
      return clientAddress;
    }

    public @Nullable String userAgent() {
      return userAgent;
    }

    /** Response body bytes, or -1 when unknown. */
    public long bytesOut() {
      return bytesOut;
    }

    /** Builds a {@link RequestLog}; each setter replaces the earlier value, null (or -1) unsets it. */
    public static final class Builder {

      private final String method;
      private final String route;
      private final int status;
      private @Nullable Duration duration;
      private @Nullable String correlationId;
      private @Nullable String userId;
      private @Nullable String sessionId;
      private @Nullable String clientAddress;
      private @Nullable String userAgent;
      private long bytesOut = -1;

      private Builder(String method, String route, int status) {
        this.method = method;
        this.route = route;
        this.status = status;
      }

      /** Written as {@code duration_ms}, a number with microsecond precision. */
      public Builder duration(@Nullable Duration duration) {
        this.duration = duration;
        return this;
      }

      public Builder correlationId(@Nullable String correlationId) {
        this.correlationId = correlationId;
        return this;
      }

      /** The user; leave unset for anonymous requests. */
      public Builder userId(@Nullable String userId) {
        this.userId = userId;
        return this;
      }

      /** The session; written {@code [REDACTED]} unless allowed, see {@link LogFields#SESSION_ID}. */
      public Builder sessionId(@Nullable String sessionId) {
        this.sessionId = sessionId;
        return this;
      }

      /** The client's address, e.g. {@code 203.0.113.7} or {@code 2001:db8::1}. */
      public Builder clientAddress(@Nullable String clientAddress) {
        this.clientAddress = clientAddress;
        return this;
      }

      /** The {@code User-Agent} header as received; redacted like any text. */
      public Builder userAgent(@Nullable String userAgent) {
        this.userAgent = userAgent;
        return this;
      }

      /** Response body bytes; a negative value means unknown and leaves the field out. */
      public Builder bytesOut(long bytesOut) {
        this.bytesOut = bytesOut < 0 ? -1 : bytesOut;
        return this;
      }

      public RequestLog build() {
        return new RequestLog(this);
      }
    }
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
