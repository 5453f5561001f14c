package com.englog.observability.tracing.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Getters and setters for the carriers the helpers accept: a job payload's {@code Map<String,
 * String>} and HTTP headers as {@code Map<String, List<String>>} (what {@code
 * com.sun.net.httpserver.Headers}, {@code java.net.http.HttpHeaders.map()} and servlet adapters give).
 * Values longer than {@link #MAX_VALUE_LENGTH} are ignored (an 8 KiB {@code baggage} is the W3C
 * limit; longer is hostile), a mixed-case name is also looked up in lower case, and repeated header
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

  /**
   * A second lookup under the lower-case name, for carriers stored the way HTTP/2 and our own inject
   * write them ({@code x-b3-traceid} for {@code X-B3-TraceId}). No scan for other spellings: that
   * would cost every request on the common miss path (an absent {@code tracestate} or {@code
   * baggage}); case-insensitive maps ({@code HttpHeaders.map()}, JDK {@code Headers}, a {@code
   * TreeMap} with {@code CASE_INSENSITIVE_ORDER}) already match any case.
   */
  private static <V> V ignoringCase(Map<String, ? extends V> carrier, String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.equals(key) ? null : carrier.get(lower);
  }
}
