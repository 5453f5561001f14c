package com.englog.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Turns one logging event into one line: walks the event in a fixed field order, sends every text
 * through the redactor, enforces length limits and unique names, and writes through the format's
 * {@link LineSink}. Thread-safe; per-call state comes from a pool.
 */
public final class EventWriter {

  private static final String[] OTEL_MDC_KEYS = {"trace_id", "span_id", "trace_flags"};

  final EncoderSettings settings;
  final Redactor redactor;
  private final RedactionTally tally;
  private final StatePool pool;
  private final LongAdder failures = new LongAdder();

  /** Shared caches: encoded field names, redacted name values, frames, field-name decisions. */
  final StringBytesCache names = new StringBytesCache();
  private final StringBytesCache nameValues = new StringBytesCache();
  private final FrameCache frames = new FrameCache();
  private final FieldDecisions fieldDecisions;
  /** In the text layout the leading fields are decorated where they stand: their bytes are not reusable. */
  private final boolean cacheNameValues;
  private final FieldName[] std;
  private final byte[][] levels; // TRACE..ERROR, pre-encoded
  private final byte[] service;
  private final byte[] environment;
  private final FieldName[] staticNames;
  private final byte[][] staticValues;
  private final FieldName[] err;
  private final String replacement;

  public EventWriter(EncoderSettings settings, RedactionTally tally) {
    this.settings = settings;
    this.redactor = settings.redactor;
    this.tally = tally;
    this.replacement = redactor.replacement();
    this.fieldDecisions = new FieldDecisions(redactor);
    this.cacheNameValues = settings.format != EncoderSettings.Format.TEXT;
    LineSink proto = settings.newSink(new Utf8Output(64), new StringBytesCache());
    std = new FieldName[settings.names.length];
    for (int i = 0; i < std.length; i++) {
      String n = settings.names[i];
      int standard = i <= EncoderSettings.F_MESSAGE ? i : FieldName.OTHER;
      std[i] = n == null ? null : proto.name(n, standard);
    }
    err = new FieldName[EncoderSettings.ERROR_FIELDS.size()];
    for (int i = 0; i < err.length; i++) {
      err[i] = proto.name(EncoderSettings.ERROR_FIELDS.get(i), FieldName.OTHER);
    }
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
      writeKeyValues(st, kvs);
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
      writeThrowable(st, tp, true);
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
  private void nameValue(EncodeState st, String v, boolean cacheable) {
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
  private byte[] entry(EncodeState st, String v) {
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
  private String redactedKey(EncodeState st, String key) {
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

  /** Whether an MDC entry is written at all (the reserved key, include/exclude lists, duplicates). */
  boolean mdcVisible(String key, String value, String trace) {
    if (key != null && key.length() == TraceContextCapture.MDC_KEY.length()
        && key.equals(TraceContextCapture.MDC_KEY)) {
      return false;
    }
    EncoderSettings s = settings;
    // Set.copyOf sets throw on contains(null); a hand-built MDC map may hold a null key
    if ((s.hasMdcIncludes && (key == null || !s.mdcIncludes.contains(key)))
        || (s.hasMdcExcludes && key != null && s.mdcExcludes.contains(key))) {
      return false;
    }
    // e.g. the OpenTelemetry agent's own MDC copy of the ids already written as standard fields
    return trace == null || s.mdcObjectName != null || key == null || !sameAsCapturedTrace(key, value, trace);
  }

  /**
   * Writes one visible MDC entry into {@code scope}. Here and for key-values and map keys the deny list
   * decides on the name as logged: cutting a long name drops its end, which is what the list matches.
   */
  void mdcEntry(EncodeState st, NameScope scope, String key, String value) {
    String safe = safeKey(key);
    LineSink k = st.sink;
    k.name(scope.unique(safe, "mdc"));
    if (fieldDecisions.redacts(key)) {
      k.string(replacement);
      st.counts[Redactor.FIELD]++;
    } else {
      redacted(st, value, settings.maxFieldLength);
    }
  }

  private boolean sameAsCapturedTrace(String key, String value, String trace) {
    for (int i = 0; i < OTEL_MDC_KEYS.length; i++) {
      if (OTEL_MDC_KEYS[i].equals(key)) {
        String written = settings.names[EncoderSettings.F_TRACE_ID + i];
        if (!key.equals(written) || value == null) {
          return false;
        }
        int from = i == 0 ? 0 : i == 1 ? 33 : 50;
        int len = i == 0 ? 32 : i == 1 ? 16 : 2;
        return value.length() == len && trace.regionMatches(from, value, 0, len);
      }
    }
    return false;
  }

  private void writeKeyValues(EncodeState st, List<KeyValuePair> kvs) {
    LineSink k = st.sink;
    NameScope scope = st.scopes[0];
    String objectName = settings.keyValuesObjectName;
    if (objectName != null) {
      k.name(objectName); // reserved: no MDC or key-value name can take it
      k.beginObject();
      scope = st.scopes[1];
      scope.reset(Set.of());
    }
    for (int i = 0; i < kvs.size(); i++) {
      KeyValuePair p = kvs.get(i);
      if (p == null) {
        continue;
      }
      String key = safeKey(p.key);
      k.name(scope.unique(key, "kv"));
      if (fieldDecisions.redacts(p.key)) {
        k.string(replacement);
        st.counts[Redactor.FIELD]++;
      } else {
        guardedValue(st, p.value, 2);
      }
    }
    if (objectName != null) {
      k.endObject();
    }
  }

  /** A value whose rendering (toString, iteration) may throw: on failure the half-written part goes. */
  private void guardedValue(EncodeState st, Object v, int scopeLevel) {
    LineSink k = st.sink;
    long mark = k.mark();
    int c0 = st.counts[0];
    int c1 = st.counts[1];
    int c2 = st.counts[2];
    try {
      value(st, v, 0, scopeLevel);
    } catch (RuntimeException | StackOverflowError e) {
      k.rollback(mark);
      st.counts[0] = c0;
      st.counts[1] = c1;
      st.counts[2] = c2;
      k.string("[unrenderable " + v.getClass().getName() + ": " + e.getClass().getName() + "]");
    }
  }

  private void value(EncodeState st, Object v, int depth, int scopeLevel) {
    LineSink k = st.sink;
    if (v == null) {
      k.nullValue();
    } else if (v instanceof String) {
      redacted(st, (String) v, settings.maxFieldLength);
    } else if (v instanceof Boolean) {
      k.boolValue((Boolean) v);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof AtomicInteger || v instanceof AtomicLong) {
      k.longValue(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        k.number(v.toString());
      } else {
        k.string(v.toString());
      }
    } else if (v instanceof BigDecimal || v instanceof BigInteger) {
      k.number(v.toString());
    } else if (v instanceof Enum) {
      k.string(((Enum<?>) v).name());
    } else if (v instanceof Map && depth < EncoderSettings.MAX_VALUE_DEPTH && k.depth() < LineSink.MAX_DEPTH - 2) {
      writeMap(st, (Map<?, ?>) v, depth, scopeLevel);
    } else if (v instanceof Collection && depth < EncoderSettings.MAX_VALUE_DEPTH
        && k.depth() < LineSink.MAX_DEPTH - 2) {
      k.beginArray();
      int n = 0;
      int size = ((Collection<?>) v).size();
      for (Object item : (Collection<?>) v) {
        if (n == EncoderSettings.MAX_VALUE_ENTRIES) {
          break;
        }
        k.element();
        value(st, item, depth + 1, scopeLevel);
        n++;
      }
      moreMarker(k, size - n);
      k.endArray();
    } else if (v.getClass().isArray() && depth < EncoderSettings.MAX_VALUE_DEPTH
        && k.depth() < LineSink.MAX_DEPTH - 2) {
      int len = Array.getLength(v);
      int n = Math.min(len, EncoderSettings.MAX_VALUE_ENTRIES);
      k.beginArray();
      for (int i = 0; i < n; i++) {
        k.element();
        value(st, Array.get(v, i), depth + 1, scopeLevel);
      }
      moreMarker(k, len - n);
      k.endArray();
    } else if (v instanceof Map || v instanceof Collection || v.getClass().isArray()) {
      // Past the depth limit; toString() of a cyclic structure would not end either.
      k.string(DEPTH_LIMIT);
    } else {
      String text = v.toString();
      redacted(st, text == null ? "null" : text, settings.maxFieldLength);
    }
  }

  static final String DEPTH_LIMIT = "[depth limit]";

  private void moreMarker(LineSink k, int more) {
    if (more > 0) {
      k.element();
      k.beginString();
      k.part("[+");
      k.partLong(more);
      k.part(" more]");
      k.endString();
    }
  }

  private void writeMap(EncodeState st, Map<?, ?> map, int depth, int scopeLevel) {
    LineSink k = st.sink;
    NameScope scope = st.scopes[Math.min(scopeLevel, st.scopes.length - 1)];
    scope.reset(Set.of());
    k.beginObject();
    int n = 0;
    int size = map.size();
    for (Map.Entry<?, ?> en : map.entrySet()) {
      if (n == EncoderSettings.MAX_VALUE_ENTRIES) {
        break;
      }
      Object rawKey = en.getKey();
      String logged = rawKey == null ? null : String.valueOf(rawKey);
      String key = safeKey(logged);
      k.name(scope.unique(redactor.enabled() ? redactedKey(st, key) : key, "key"));
      if (fieldDecisions.redacts(logged)) {
        k.string(replacement);
        st.counts[Redactor.FIELD]++;
      } else {
        value(st, en.getValue(), depth + 1, scopeLevel + 1);
      }
      n++;
    }
    if (size > n) {
      k.name(scope.unique("_more", "key"));
      k.longValue(size - n);
    }
    k.endObject();
  }

  // -------------------------------------------------------------------------------------- errors

  private static final int E_TYPE = 0;
  private static final int E_MESSAGE = 1;
  private static final int E_STACK_HASH = 2;
  private static final int E_FRAMES = 3;
  private static final int E_FRAMES_OMITTED = 4;
  private static final int E_FRAMES_COMMON = 5;
  private static final int E_CIRCULAR = 6;
  private static final int E_CAUSE = 7;
  private static final int E_CAUSE_OMITTED = 8;
  private static final int E_SUPPRESSED = 9;
  private static final int E_SUPPRESSED_OMITTED = 10;

  private void writeThrowable(EncodeState st, IThrowableProxy tp, boolean top) {
    LineSink k = st.sink;
    EncoderSettings s = settings;
    k.beginObject();
    k.name(err[E_TYPE]);
    nameValue(st, tp.getClassName(), true);
    String message = tp.getMessage();
    if (message != null) {
      k.name(err[E_MESSAGE]);
      redacted(st, message, s.maxFieldLength);
    }
    if (top && s.stackHash) {
      k.name(err[E_STACK_HASH]);
      k.beginString();
      k.partHex(StackHash.hash(tp, st));
      k.endString();
    }
    if (tp.isCyclic()) {
      k.name(err[E_CIRCULAR]);
      k.boolValue(true);
      k.endObject();
      return;
    }
    StackTraceElementProxy[] steps = tp.getStackTraceElementProxyArray();
    int total = steps == null ? 0 : steps.length;
    int common = Math.max(0, Math.min(tp.getCommonFrames(), total));
    int own = total - common;
    int shown = Math.min(own, s.maxStackFrames);
    if (shown > 0) {
      k.name(err[E_FRAMES]);
      frames(st, steps, shown);
    }
    if (shown < own) {
      k.name(err[E_FRAMES_OMITTED]);
      k.longValue(own - shown);
    }
    if (common > 0) {
      k.name(err[E_FRAMES_COMMON]);
      k.longValue(common);
    }
    IThrowableProxy cause = tp.getCause();
    if (cause != null) {
      if (st.throwableBudget > 0 && k.depth() < LineSink.MAX_DEPTH - 4) {
        st.throwableBudget--;
        k.name(err[E_CAUSE]);
        writeThrowable(st, cause, false);
      } else {
        k.name(err[E_CAUSE_OMITTED]);
        k.boolValue(true);
      }
    }
    IThrowableProxy[] suppressed = tp.getSuppressed();
    if (suppressed != null && suppressed.length > 0) {
      int written = 0;
      if (st.throwableBudget > 0 && k.depth() < LineSink.MAX_DEPTH - 4) {
        k.name(err[E_SUPPRESSED]);
        k.beginArray();
        for (IThrowableProxy sup : suppressed) {
          if (st.throwableBudget <= 0) {
            break;
          }
          if (sup == null) {
            continue;
          }
          st.throwableBudget--;
          k.element();
          writeThrowable(st, sup, false);
          written++;
        }
        k.endArray();
      }
      if (written < suppressed.length) {
        k.name(err[E_SUPPRESSED_OMITTED]);
        k.longValue(suppressed.length - written);
      }
    }
    k.endObject();
  }

  /** The hot loop of an exception, in a method of its own so that it compiles on its own. */
  private void frames(EncodeState st, StackTraceElementProxy[] steps, int shown) {
    LineSink k = st.sink;
    int[] counts = st.counts;
    k.beginArray();
    for (int i = 0; i < shown; i++) {
      k.element();
      StackTraceElement e = steps[i] == null ? null : steps[i].getStackTraceElement();
      if (e == null) {
        k.nullValue();
      } else {
        FrameCache.Frame f = frame(st, e);
        k.encodedValue(f.bytes);
        counts[Redactor.CREDENTIAL] += f.credentials;
        counts[Redactor.PII] += f.pii;
      }
    }
    k.endArray();
  }

  /**
   * The cached form of a frame, rendered on first sight. Frames are text like any other: a script
   * engine's frame names the script's URL, a generated class may carry one in its name.
   */
  FrameCache.Frame frame(EncodeState st, StackTraceElement e) {
    FrameCache.Frame f = frames.get(e);
    if (f == null) {
      byte[] bytes = entry(st, FrameCache.text(e));
      f = new FrameCache.Frame(e, bytes, st.entryCounts[Redactor.CREDENTIAL], st.entryCounts[Redactor.PII]);
      if (bytes.length <= FrameCache.MAX_BYTES) { // a freak frame (a huge generated name) is not kept
        frames.put(f);
      }
    }
    return f;
  }
}
