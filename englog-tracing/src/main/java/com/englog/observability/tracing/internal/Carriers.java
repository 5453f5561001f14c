package com.englog.observability.tracing.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Getters and setters for the carriers the helpers accept: a job payload's {@code Map<String,
 * String>} and HTTP headers as {@code Map<String, List<String>>} (what {@code
 * com.sun.net.httpserver.Headers}, {@code java.net.http.HttpHeaders.map()} and servlet adapters give).
 * Values longer than {@link #MAX_VALUE_LENGTH} are ignored (an 8 KiB {@code baggage} is the W3C
 * limit; longer is hostile), B3's mixed-case names are also looked up in lower case, and repeated header
 * lines are joined with a comma as an HTTP intermediary would, so a duplicated {@code traceparent}
 * is invalid rather than a guess.
 *
 * <p>The work a carrier can cause is bounded too, whatever its size: a header repeated on more than
 * {@link #MAX_HEADER_LINES} lines counts as absent, and a propagator that lists keys (Jaeger looks
 * for {@code uberctx-*}) sees at most the first {@link #MAX_KEYS} of them, so a job payload with a
 * million entries costs what one with 256 does.
 *
 * <p>Not public API.
 */
public final class Carriers {

  public static final int MAX_VALUE_LENGTH = 8192;
  /** More lines of one header than this is not something an HTTP client sends. */
  public static final int MAX_HEADER_LINES = 32;
  /** Keys listed to a propagator that scans them; trace headers are far fewer. */
  public static final int MAX_KEYS = 256;

  private Carriers() {}

  public static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    // Deprecated in the API, but Jaeger's uberctx-* baggage is still found by listing keys.
    @SuppressWarnings("deprecation")
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return firstKeys(carrier);
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      if (carrier == null) {
        return null;
      }
      String value = carrier.get(key);
      if (value == null && isMixedCaseB3(key)) {
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
          return firstKeys(carrier);
        }

        @Override
        public String get(Map<String, ? extends List<String>> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          List<String> values = carrier.get(key);
          if (values == null && isMixedCaseB3(key)) {
            values = ignoringCase(carrier, key);
          }
          if (values == null || values.isEmpty() || values.size() > MAX_HEADER_LINES) {
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

  private static Iterable<String> firstKeys(Map<String, ?> carrier) {
    Set<String> keys = carrier.keySet();
    if (keys.size() <= MAX_KEYS) {
      return keys;
    }
    return () -> new Iterator<>() {
      private final Iterator<String> all = keys.iterator();
      private int left = MAX_KEYS;

      @Override
      public boolean hasNext() {
        return left > 0 && all.hasNext();
      }

      @Override
      public String next() {
        if (left <= 0) {
          throw new NoSuchElementException();
        }
        left--;
        return all.next();
      }
    };
  }

  /**
   * The propagators' mixed-case header names and their lower-case forms, as HTTP/2 and lower-casing
   * proxies store them. Every other name the propagators ask for is lower case already, so a miss
   * (an absent {@code tracestate} or {@code baggage}, the common case) costs one failed lookup here
   * and no string work. No scan for other spellings either: case-insensitive maps ({@code
   * HttpHeaders.map()}, JDK {@code Headers}, a {@code TreeMap} with {@code CASE_INSENSITIVE_ORDER})
   * already match any case.
   */
  private static final Map<String, String> LOWER_CASE = Map.of(
      "X-B3-TraceId", "x-b3-traceid",
      "X-B3-SpanId", "x-b3-spanid",
      "X-B3-ParentSpanId", "x-b3-parentspanid",
      "X-B3-Sampled", "x-b3-sampled",
      "X-B3-Flags", "x-b3-flags");

  /** One char compare on the common miss path (absent tracestate, baggage) instead of a lookup. */
  private static boolean isMixedCaseB3(String key) {
    return key.length() > 5 && key.charAt(0) == 'X' && key.charAt(1) == '-';
  }

  private static <V> V ignoringCase(Map<String, ? extends V> carrier, String key) {
    String lower = LOWER_CASE.get(key);
    return lower == null ? null : carrier.get(lower);
  }
}
