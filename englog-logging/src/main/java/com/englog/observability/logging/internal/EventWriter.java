package com.englog.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Turns one logging event into one line: walks the event in a fixed field order, sends every text
 * through the redactor, enforces length limits and unique names, and writes through the format's
 * {@link LineSink}. The MDC and key-value part of the line is written by {@link KeyValueWriter}, the
 * exception by {@link ThrowableWriter}; both write their text through this class. Thread-safe; per-call
 * state comes from a pool.
 */
public final class EventWriter {

  final EncoderSettings settings;
  final Redactor redactor;
  private final RedactionTally tally;
  private final StatePool pool;
  private final LongAdder failures = new LongAdder();

  /** Shared caches: encoded field names, redacted name values, frames, field-name decisions. */
  final StringBytesCache names = new StringBytesCache();
  private final StringBytesCache nameValues = new StringBytesCache();
  /** In the text layout the leading fields are decorated where they stand: their bytes are not reusable. */
  private final boolean cacheNameValues;
  private final FieldName[] std;
  private final byte[][] levels; // TRACE..ERROR, pre-encoded
  private final byte[] service;
  private final byte[] environment;
  private final FieldName[] staticNames;
  private final byte[][] staticValues;
  /** The MDC, key-value and structured-value part of a line, and its exception part. */
  final KeyValueWriter keyValues;
  private final ThrowableWriter throwables;
  private final String replacement;

  public EventWriter(EncoderSettings settings, RedactionTally tally) {
    this.settings = settings;
    this.redactor = settings.redactor;
    this.tally = tally;
    this.replacement = redactor.replacement();
    this.cacheNameValues = settings.format != EncoderSettings.Format.TEXT;
    LineSink proto = settings.newSink(new Utf8Output(64), new StringBytesCache());
    std = new FieldName[settings.names.length];
    for (int i = 0; i < std.length; i++) {
      String n = settings.names[i];
      int standard = i <= EncoderSettings.F_MESSAGE ? i : FieldName.OTHER;
      std[i] = n == null ? null : proto.name(n, standard);
    }
    keyValues = new KeyValueWriter(this, new FieldDecisions(redactor));
    throwables = new ThrowableWriter(this, proto);
    Level[] known = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
    levels = new byte[5][];
    for (Level l : known) {
      levels[levelIndex(l)] = proto.encodeValue(l.levelStr);
    }
    service = settings.serviceName == null ? null : proto.encodeValue(settings.serviceName);
    environment = settings.environment == null ? null : proto.encodeValue(settings.environment);
    staticNames = new FieldName[settings.staticFields.size()];
    staticValues = new byte[staticNames.length][];
    int i = 0;
    for (Map.Entry<String, String> sf : settings.staticFields.entrySet()) {
      staticNames[i] = proto.name(sf.getKey(), FieldName.OTHER);
      staticValues[i++] = proto.encodeValue(sf.getValue() == null ? "" : sf.getValue());
    }
    int slots = Math.min(64, 2 * Runtime.getRuntime().availableProcessors());
    this.pool = new StatePool(slots, () -> new EncodeState(settings, this));
  }

  private static int levelIndex(Level level) {
    if (level == null) {
      return -1;
    }
    switch (level.levelInt) {
      case Level.TRACE_INT:
        return 0;
      case Level.DEBUG_INT:
        return 1;
      case Level.INFO_INT:
        return 2;
      case Level.WARN_INT:
        return 3;
      case Level.ERROR_INT:
        return 4;
      default:
        return -1;
    }
  }

  /** Events that could not be encoded normally and were written as a minimal fallback line. */
  public long failures() {
    return failures.sum();
  }

  public byte[] encode(ILoggingEvent event) {
    EncodeState st = pool.acquire();
    try {
      try {
        write(event, st);
      } catch (RuntimeException | StackOverflowError e) {
        failures.increment();
        writeFallback(event, st, e);
      }
      byte[] line = st.out.toByteArray();
      if ((st.counts[0] | st.counts[1] | st.counts[2]) != 0) {
        tally.record(st.counts);
      }
      return line;
    } finally {
      pool.release(st);
    }
  }

  // -------------------------------------------------------------------------------------- the line

  private void write(ILoggingEvent e, EncodeState st) {
    st.begin();
    LineSink k = st.sink;
    EncoderSettings s = settings;
    k.beginLine();
    FieldName f;
    if ((f = std[EncoderSettings.F_TIMESTAMP]) != null) {
      k.name(f);
      k.timestamp(st.timestamps, e.getTimeStamp(), s.timestampDigits == 3 ? -1 : e.getNanoseconds(),
          s.timestampDigits);
    }
    if ((f = std[EncoderSettings.F_LEVEL]) != null) {
      Level level = e.getLevel();
      k.name(f);
      int li = levelIndex(level);
      if (li >= 0) {
        k.encodedValue(levels[li]);
      } else {
        k.string(level == null ? "INFO" : level.levelStr);
      }
    }
    if ((f = std[EncoderSettings.F_LOGGER]) != null) {
      k.name(f);
      nameValue(st, e.getLoggerName(), true);
    }
    if ((f = std[EncoderSettings.F_THREAD]) != null) {
      k.name(f);
      String thread = e.getThreadName();
      // logback names virtual threads afresh for every event: not worth caching
      nameValue(st, thread, thread == null || !thread.startsWith(LoggingEvent.VIRTUAL_THREAD_NAME_PREFIX));
    }
    if ((f = std[EncoderSettings.F_MESSAGE]) != null) {
      k.name(f);
      redacted(st, e.getFormattedMessage(), s.maxMessageLength);
    }

    Map<String, String> mdc = mdcOf(e);
    boolean hasMdc = mdc != null && !mdc.isEmpty();
    String trace = hasMdc ? mdc.get(TraceContextCapture.MDC_KEY) : null;
    if (trace != null && trace != st.lastValidTrace) {
      // The filter replaces the entry only when the span changes: validate each new value once.
      if (TraceContextCapture.isWellFormed(trace)) {
        st.lastValidTrace = trace;
      } else {
        trace = null;
      }
    }
    if (trace != null) {
      if ((f = std[EncoderSettings.F_TRACE_ID]) != null) {
        k.name(f);
        k.string(trace, 0, 32);
      }
      if ((f = std[EncoderSettings.F_SPAN_ID]) != null) {
        k.name(f);
        k.string(trace, 33, 49);
      }
      if ((f = std[EncoderSettings.F_TRACE_FLAGS]) != null) {
        k.name(f);
        k.string(trace, 50, 52);
      }
    }
    if (service != null && (f = std[EncoderSettings.F_SERVICE]) != null) {
      k.name(f);
      k.encodedValue(service);
    }
    if (environment != null && (f = std[EncoderSettings.F_ENVIRONMENT]) != null) {
      k.name(f);
      k.encodedValue(environment);
    }
    for (int i = 0; i < staticNames.length; i++) {
      k.name(staticNames[i]);
      k.encodedValue(staticValues[i]);
    }

    st.scopes[0].reset(s.reservedTopNames);
    if (hasMdc && s.includeMdc) {
      MdcWriter w = st.mdcWriter;
      w.begin(trace, s.mdcObjectName);
      mdc.forEach(w);
      w.end();
    }
    List<KeyValuePair> kvs = s.includeKeyValues ? e.getKeyValuePairs() : null;
    if (kvs != null && !kvs.isEmpty()) {
      keyValues.write(st, kvs);
    }
    List<Marker> markers = s.includeMarkers ? e.getMarkerList() : null;
    if (markers != null && !markers.isEmpty() && (f = std[EncoderSettings.F_MARKERS]) != null) {
      k.name(f);
      k.beginArray();
      for (int i = 0; i < markers.size(); i++) {
        Marker m = markers.get(i);
        k.element();
        nameValue(st, m == null ? null : m.getName(), true);
      }
      k.endArray();
    }
    IThrowableProxy tp = e.getThrowableProxy();
    if (tp != null && (f = std[EncoderSettings.F_ERROR]) != null) {
      k.name(f);
      st.throwableBudget = s.maxThrowables - 1;
      throwables.write(st, tp, true);
    }
    k.endLine(s.lineSeparator);
  }

  /** Minimal line when the normal path failed: still valid JSON, still says what happened. */
  private void writeFallback(ILoggingEvent e, EncodeState st, Throwable failure) {
    st.begin();
    LineSink k = st.sink;
    k.beginLine();
    FieldName f;
    if ((f = std[EncoderSettings.F_TIMESTAMP]) != null) {
      k.name(f);
      k.timestamp(st.timestamps, e.getTimeStamp(), -1, settings.timestampDigits);
    }
    if ((f = std[EncoderSettings.F_LEVEL]) != null) {
      k.name(f);
      k.string(e.getLevel() == null ? "INFO" : e.getLevel().levelStr);
    }
    if ((f = std[EncoderSettings.F_LOGGER]) != null) {
      k.name(f);
      fallbackText(st, e.getLoggerName(), settings.maxFieldLength);
    }
    if ((f = std[EncoderSettings.F_MESSAGE]) != null) {
      k.name(f);
      String message;
      try {
        message = e.getFormattedMessage();
      } catch (RuntimeException | StackOverflowError again) {
        message = null;
      }
      fallbackText(st, message, settings.maxMessageLength);
    }
    k.name(EncoderSettings.FALLBACK_ERROR_FIELD);
    k.string(failure.getClass().getName());
    k.endLine(settings.lineSeparator);
  }

  // -------------------------------------------------------------------------------------- values

  private void fallbackText(EncodeState st, String v, int max) {
    long mark = st.sink.mark();
    try {
      redacted(st, v, max);
    } catch (RuntimeException | StackOverflowError again) {
      st.sink.rollback(mark);
      st.sink.nullValue();
    }
  }

  /**
   * The MDC copy of the event. A {@code LoggerContext} made by hand without an MDC adapter makes logback
   * throw here: such a line is written without MDC rather than as the minimal fallback line.
   */
  private static Map<String, String> mdcOf(ILoggingEvent e) {
    try {
      return e.getMDCPropertyMap();
    } catch (RuntimeException noMdcAdapter) {
      return null;
    }
  }

  /**
   * A logger, thread or marker name, or an exception type: redacted like any text (a thread may be
   * named after the request it serves, URL and all), but through a cache of its encoded, redacted
   * bytes, since these strings recur event after event. The redactions of a cached value count at
   * every use.
   */
  void nameValue(EncodeState st, String v, boolean cacheable) {
    LineSink k = st.sink;
    if (v == null) {
      k.nullValue();
    } else if (cacheable && cacheNameValues && v.length() <= StringBytesCache.MAX_CHARS) {
      StringBytesCache.Entry c = nameValues.get(v);
      if (c == null) {
        byte[] bytes = entry(st, v);
        c = nameValues.put(v, bytes, st.entryCounts[Redactor.CREDENTIAL], st.entryCounts[Redactor.PII]);
      }
      k.encodedValue(c.bytes);
      c.countInto(st.counts);
    } else {
      redacted(st, v, settings.maxFieldLength);
    }
  }

  /** {@code v} redacted and limited as a value in the line's format, away from the line; see entryCounts. */
  byte[] entry(EncodeState st, String v) {
    LineSink k = st.entrySink;
    k.output().reset();
    int[] c = st.entryCounts;
    c[0] = 0;
    c[1] = 0;
    c[2] = 0;
    redacted(k, st.spans, c, v, settings.maxFieldLength);
    return k.output().toByteArray();
  }

  /** A string with only the length limit. */
  void limited(LineSink k, String v, int max) {
    if (v == null) {
      k.nullValue();
    } else if (v.length() <= max) {
      k.string(v, 0, v.length());
    } else {
      k.beginString();
      k.part(v, 0, cut(v, 0, max));
      k.part(settings.truncationMarker);
      k.endString();
    }
  }

  /** Where to cut {@code s} at index {@code at} (past {@code from}) without splitting a surrogate pair. */
  static int cut(String s, int from, int at) {
    if (at > from && at < s.length() && Character.isHighSurrogate(s.charAt(at - 1))
        && Character.isLowSurrogate(s.charAt(at))) {
      return at - 1;
    }
    return at;
  }

  /** A free-text value: redacted, then cut to {@code max} characters with the truncation marker. */
  void redacted(EncodeState st, String v, int max) {
    redacted(st.sink, st.spans, st.counts, v, max);
  }

  /**
   * The common case (nothing found, short enough) writes straight from the string; otherwise the pieces
   * of {@code v} between the spans found and a replacement for each, as long as they fit in {@code max}
   * characters. Spans whose replacement would start past the cut are not reported by the scan, nor
   * counted.
   */
  private void redacted(LineSink k, Spans sp, int[] counts, String v, int max) {
    if (v == null) {
      k.nullValue();
      return;
    }
    int found = redactor.enabled() ? redactor.scan(v, max, sp) : 0;
    if (found == 0) {
      limited(k, v, max);
      return;
    }
    sp.countInto(counts);
    k.beginString();
    int room = max;
    int prev = 0;
    for (int i = 0; room >= 0; i++) {
      room = piece(k, v, prev, i < found ? sp.start(i) : v.length(), room);
      if (i == found) {
        break;
      }
      room = room < 0 ? room : piece(k, replacement, 0, replacement.length(), room);
      prev = sp.end(i);
    }
    if (room < 0) {
      k.part(settings.truncationMarker);
    }
    k.endString();
  }

  /** Writes s[from, to) if it fits in {@code room} characters, else as much as fits and returns -1. */
  private static int piece(LineSink k, String s, int from, int to, int room) {
    int len = to - from;
    if (len <= room) {
      k.part(s, from, to);
      return room - len;
    }
    k.part(s, from, cut(s, from, from + room));
    return -1;
  }

  /** Map keys inside a value may be data (a map by e-mail address): redacted like text, counted. */
  String redactedKey(EncodeState st, String key) {
    Spans sp = st.spans;
    int found = redactor.scan(key, Integer.MAX_VALUE, sp);
    if (found == 0) {
      return key;
    }
    sp.countInto(st.counts);
    StringBuilder sb = new StringBuilder(key.length() + found * replacement.length());
    int prev = 0;
    for (int i = 0; i < found; i++) {
      sb.append(key, prev, sp.start(i)).append(replacement);
      prev = sp.end(i);
    }
    return sb.append(key, prev, key.length()).toString();
  }

  /**
   * MDC keys and key-value names in the form they take on the wire: bounded length, never null, lone
   * surrogates already replaced by U+FFFD. Uniqueness is decided on this form, so two names that differ
   * only in a lone surrogate cannot become one duplicate name in the JSON.
   */
  String safeKey(String key) {
    if (key == null) {
      return "null";
    }
    if (key.length() > EncoderSettings.MAX_KEY_LENGTH) {
      key = key.substring(0, cut(key, 0, EncoderSettings.MAX_KEY_LENGTH)) + settings.truncationMarker;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
        return withoutLoneSurrogates(key);
      }
    }
    return key;
  }

  private static String withoutLoneSurrogates(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else {
        sb.append(Character.isSurrogate(c) ? '\ufffd' : c);
      }
    }
    return sb.toString();
  }

  /** The cached form of a frame; see {@link ThrowableWriter#frame}. */
  FrameCache.Frame frame(EncodeState st, StackTraceElement e) {
    return throwables.frame(st, e);
  }
}
