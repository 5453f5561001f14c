package com.englog.observability.tracing.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Getters and setters for the carriers the helpers accept: a job payload's {@code Map<String,
 * String>} and HTTP headers as {@code Map<String, List<String>>} (what {@code
 * com.sun.net.httpserver.Headers}, {@code java.net.http.HttpHeaders.map()} and servlet adapters give),
 * and {@link #bounded} around any getter, which is what {@link SafePropagator} hands the propagators,
 * so every carrier, whatever its getter, is read within the same limits:
 *
 * <ul>
 *   <li>values longer than {@link #MAX_VALUE_LENGTH} are ignored (an 8 KiB {@code baggage} is the W3C
 *       limit; longer is hostile);
 *   <li>repeated header lines ({@link TextMapGetter#getAll}) are joined with a comma as an HTTP
 *       intermediary would, so a duplicated {@code traceparent} is invalid rather than a guess, and a
 *       header on more than {@link #MAX_HEADER_LINES} lines counts as absent;
 *   <li>a propagator that lists keys (Jaeger looks for {@code uberctx-*}) sees at most the first
 *       {@link #MAX_KEYS} of them, so a job payload with a million entries costs what one with 256
 *       does;
 *   <li>B3's mixed-case names are also looked up in lower case.
 * </ul>
 *
 * <p>Not public API.
 */
public final class Carriers {

  public static final int MAX_VALUE_LENGTH = 8192;
  /** More lines of one header than this is not something an HTTP client sends. */
  public static final int MAX_HEADER_LINES = 32;
  /** Keys listed to a propagator that scans them; trace headers are far fewer. */
  public static final int MAX_KEYS = 256;

  /** What a header on too many lines reads as, without walking a list of any size. */
  private static final List<String> TOO_MANY_LINES = Collections.nCopies(MAX_HEADER_LINES + 1, "");

  private Carriers() {}

  /** A job payload; read within the limits by {@link SafePropagator}. */
  public static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @SuppressWarnings("deprecation") // still how Jaeger finds uberctx-* baggage
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  public static final TextMapSetter<Map<String, String>> MAP_SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.put(key, value);
    }
  };

  /** HTTP headers, one list entry per header line; read within the limits by {@link SafePropagator}. */
  public static final TextMapGetter<Map<String, ? extends List<String>>> HEADER_GETTER =
      new TextMapGetter<>() {
        @SuppressWarnings("deprecation")
        @Override
        public Iterable<String> keys(Map<String, ? extends List<String>> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, ? extends List<String>> carrier, String key) {
          Iterator<String> lines = getAll(carrier, key);
          return lines.hasNext() ? lines.next() : null;
        }

        @Override
        public Iterator<String> getAll(Map<String, ? extends List<String>> carrier, String key) {
          List<String> values = carrier == null ? null : carrier.get(key);
          if (values == null) {
            return Collections.emptyIterator();
          }
          return values.size() > MAX_HEADER_LINES ? TOO_MANY_LINES.iterator() : values.iterator();
        }
      };

  /**
   * {@code getter} held to the limits above; {@code baggage} also loses the members OpenTelemetry's
   * parser would log a warning for ({@link BaggageGuard}).
   */
  public static <C> TextMapGetter<C> bounded(TextMapGetter<C> getter, BaggageGuard baggage) {
    return new Bounded<>(getter, baggage);
  }

  /** Whether {@code getter} reads repeated lines itself, i.e. overrides {@link TextMapGetter#getAll}. */
  private static final ClassValue<Boolean> READS_LINES = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      try {
        return type.getMethod("getAll", Object.class, String.class).getDeclaringClass() != TextMapGetter.class;
      } catch (NoSuchMethodException | SecurityException e) {
        return true; // read through getAll, as the interface says
      }
    }
  };

  /**
   * A getter held to the limits; immutable, so one instance serves every extraction through the same
   * raw getter ({@link SafePropagator} keeps the last one).
   */
  static final class Bounded<C> implements TextMapGetter<C> {
    private final TextMapGetter<C> raw;
    private final BaggageGuard baggage;
    /** Whether {@code raw} has its own {@code getAll}; if not, its {@code get} is the one value. */
    private final boolean readsLines;

    Bounded(TextMapGetter<C> raw, BaggageGuard baggage) {
      this.raw = raw;
      this.baggage = baggage;
      this.readsLines = raw == null || READS_LINES.get(raw.getClass()); // null: fails as before, caught
    }

    /** The getter this one bounds. */
    TextMapGetter<C> raw() {
      return raw;
    }

    // Deprecated in the API, but Jaeger's uberctx-* baggage is still found by listing keys.
    @SuppressWarnings("deprecation")
    @Override
    public Iterable<String> keys(C carrier) {
      return carrier == null ? List.of() : firstKeys(raw.keys(carrier));
    }

    @Override
    public String get(C carrier, String key) {
      if (carrier == null) {
        return null;
      }
      String value = read(carrier, key);
      if (value == null && isMixedCaseB3(key)) {
        String lower = LOWER_CASE.get(key);
        value = lower == null ? null : read(carrier, lower);
      }
      return value != null && key.equals(BaggageGuard.HEADER) ? baggage.sanitize(value) : value;
    }

    /**
     * One value within the limits: a getter without its own {@code getAll} answers with {@code get}
     * (the interface's {@code getAll} would only wrap that answer in an iterator).
     */
    private String read(C carrier, String key) {
      if (readsLines) {
        return joined(raw.getAll(carrier, key));
      }
      String value = raw.get(carrier, key);
      return value == null || value.length() > MAX_VALUE_LENGTH ? null : value;
    }

    /** One joined value: the lines were already joined as HTTP allows. */
    @Override
    public Iterator<String> getAll(C carrier, String key) {
      String value = get(carrier, key);
      return value == null ? Collections.emptyIterator() : Collections.singletonList(value).iterator();
    }

    @Override
    public String toString() {
      return "bounded " + raw;
    }
  }


  /** The lines joined with commas; null when there are none, too many or too long. */
  private static String joined(Iterator<String> lines) {
    if (lines == null || !lines.hasNext()) {
      return null;
    }
    String first = lines.next();
    if (!lines.hasNext()) {
      return first == null || first.length() > MAX_VALUE_LENGTH ? null : first;
    }
    StringBuilder joined = new StringBuilder();
    int count = 0;
    for (String v = first; ; v = lines.next()) {
      if (++count > MAX_HEADER_LINES) {
        return null;
      }
      if (v != null) {
        if (joined.length() > 0) {
          joined.append(',');
        }
        joined.append(v);
        if (joined.length() > MAX_VALUE_LENGTH) {
          return null;
        }
      }
      if (!lines.hasNext()) {
        break;
      }
    }
    return joined.length() == 0 ? null : joined.toString();
  }

  private static Iterable<String> firstKeys(Iterable<String> keys) {
    if (keys == null) {
      return List.of();
    }
    if (keys instanceof Set && ((Set<String>) keys).size() <= MAX_KEYS) {
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
   * and no string work. No scan for other spellings either: case-insensitive carriers ({@code
   * HttpHeaders.map()}, JDK {@code Headers}, servlet requests, a {@code TreeMap} with {@code
   * CASE_INSENSITIVE_ORDER}) already match any case.
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
}
