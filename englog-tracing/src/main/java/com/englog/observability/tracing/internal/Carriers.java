package com.englog.observability.tracing.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * Getters and setters for the carriers the helpers accept: a job payload's {@code Map<String,
 * String>} and HTTP headers as {@code Map<String, List<String>>} (what {@code
 * com.sun.net.httpserver.Headers}, {@code java.net.http.HttpHeaders.map()} and servlet adapters give).
 * Values longer than {@link #MAX_VALUE_LENGTH} are ignored (an 8 KiB {@code baggage} is the W3C
 * limit; longer is hostile), keys are matched case-insensitively as HTTP does (by a scan only in
 * carriers of at most {@link #MAX_SCANNED_ENTRIES} entries that are not case-insensitive already), and repeated header
 * lines are joined with a comma as an HTTP intermediary would, so a duplicated {@code traceparent}
 * is invalid rather than a guess.
 *
 * <p>Not public API.
 */
public final class Carriers {

  public static final int MAX_VALUE_LENGTH = 8192;

  private Carriers() {}

  public static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    // Deprecated in the API, but Jaeger's uberctx-* baggage is still found by listing keys.
    @SuppressWarnings("deprecation")
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      if (carrier == null) {
        return null;
      }
      String value = carrier.get(key);
      if (value == null && !carrier.isEmpty()) {
        value = ignoringCase(carrier, key);
      }
      return value == null || value.length() > MAX_VALUE_LENGTH ? null : value;
    }
  };

  public static final TextMapSetter<Map<String, String>> MAP_SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.put(key, value);
    }
  };

  public static final TextMapGetter<Map<String, ? extends List<String>>> HEADER_GETTER =
      new TextMapGetter<>() {
        @SuppressWarnings("deprecation")
        @Override
        public Iterable<String> keys(Map<String, ? extends List<String>> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, ? extends List<String>> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          List<String> values = carrier.get(key);
          if (values == null && !carrier.isEmpty()) {
            values = ignoringCase(carrier, key);
          }
          if (values == null || values.isEmpty()) {
            return null;
          }
          if (values.size() == 1) {
            String v = values.get(0);
            return v == null || v.length() > MAX_VALUE_LENGTH ? null : v;
          }
          StringBuilder joined = new StringBuilder();
          for (String v : values) {
            if (v == null) {
              continue;
            }
            if (joined.length() > 0) {
              joined.append(',');
            }
            joined.append(v);
            if (joined.length() > MAX_VALUE_LENGTH) {
              return null;
            }
          }
          return joined.toString();
        }
      };

  /** Beyond this many entries a carrier is not scanned for an oddly cased key: bounded work per request. */
  static final int MAX_SCANNED_ENTRIES = 64;

  private static <V> V ignoringCase(Map<String, ? extends V> carrier, String key) {
    if (carrier instanceof SortedMap && ((SortedMap<String, ?>) carrier).comparator() != null) {
      return null; // ordered by its own comparator, e.g. String.CASE_INSENSITIVE_ORDER: get() already matched
    }
    if (carrier.getClass().getName().equals("com.sun.net.httpserver.Headers")) {
      return null; // normalizes keys itself
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (!lower.equals(key)) {
      V v = carrier.get(lower);
      if (v != null) {
        return v;
      }
    }
    if (carrier.size() > MAX_SCANNED_ENTRIES) {
      return null;
    }
    for (Map.Entry<String, ? extends V> e : carrier.entrySet()) {
      String k = e.getKey();
      if (k != null && k.length() == key.length() && k.equalsIgnoreCase(key)) {
        return e.getValue();
      }
    }
    return null;
  }
}
