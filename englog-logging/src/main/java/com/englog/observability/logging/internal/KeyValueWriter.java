package com.englog.observability.logging.internal;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.event.KeyValuePair;

/**
 * The MDC and key-value part of a line: which MDC entries are written, the key-value pairs (flat or
 * in their own object), and the structured values they carry (maps, collections, arrays, numbers),
 * with deny-listed names replaced whole and text sent through the redactor. Thread-safe; per-call
 * state is the caller's {@link EncodeState}.
 */
final class KeyValueWriter {

  private static final String[] OTEL_MDC_KEYS = {"trace_id", "span_id", "trace_flags"};

  private final EventWriter writer;
  private final EncoderSettings settings;
  private final FieldDecisions fieldDecisions;
  private final String replacement;

  KeyValueWriter(EventWriter writer, FieldDecisions fieldDecisions) {
    this.writer = writer;
    this.settings = writer.settings;
    this.fieldDecisions = fieldDecisions;
    this.replacement = writer.redactor.replacement();
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
    String safe = writer.safeKey(key);
    LineSink k = st.sink;
    k.name(scope.unique(safe, "mdc"));
    if (fieldDecisions.redacts(key)) {
      k.string(replacement);
      st.counts[Redactor.FIELD]++;
    } else {
      writer.redacted(st, value, settings.maxFieldLength);
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

  void write(EncodeState st, List<KeyValuePair> kvs) {
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
      String key = writer.safeKey(p.key);
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
      writer.redacted(st, (String) v, settings.maxFieldLength);
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
      writer.redacted(st, text == null ? "null" : text, settings.maxFieldLength);
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
      String key = writer.safeKey(logged);
      k.name(scope.unique(writer.redactor.enabled() ? writer.redactedKey(st, key) : key, "key"));
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
}
