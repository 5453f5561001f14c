package com.englog.observability.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Not public API.
 *
 * <p>The series of one metric, keyed by label values, with the cardinality guard.
 *
 * <p>Why this shape: recording with label values that already have a series is the hot path, so it
 * must neither allocate nor lock. The series live in nested {@link ConcurrentHashMap}s keyed by the
 * caller's own label strings (one level per label), so a lookup is one lock-free {@code get} per label
 * on a {@code String} whose hash code is cached: no key object, no varargs array, no tag list, no
 * sorting — unlike Micrometer's per-call {@code registry.counter(name, tags...)}, which builds an
 * {@code Id} and {@code Tags} on every call. Before hashing, each level compares the value with the
 * first key it was given by reference (see {@link Level}): callers mostly pass literals and constants,
 * so the commonest series of a level is usually found with no hashing at all. Only canonical values are
 * ever used as keys, so the maps hold at most one entry per series and stay bounded by the series
 * limit whatever callers send.
 *
 * <p>Everything else — a value never seen, a value that needs cleaning (null, wrong case, control
 * characters, too long), a value past the limit — takes the slow path: canonicalise, look up again,
 * and create the series under a lock if the budget allows.
 *
 * <p>The limit counts exposed series — the sample lines Prometheus stores — not label combinations: a
 * combination costs {@code seriesPerCombination} of them (2 for a counter: {@code _total} and
 * {@code _created}; 1 for a gauge; a histogram's buckets, {@code +Inf}, {@code _count}, {@code _sum},
 * {@code _created} and {@code _max}). The combinations the limit allows are split three ways. Room
 * for the last resort is reserved: one combination per value of the closed labels that keep their
 * value in every fold ({@code status_code}, {@code error_type}, …). Of the rest, one in fifty (at
 * least one) is kept for folded combinations and the others take values as given. Past that, open-label
 * values that no series has yet become {@code other} while keeping the known ones (so
 * {@code cache_type="redis",key_pattern="other"} keeps saying which cache overflowed); if even that
 * series cannot be created, every open label becomes {@code other} and a label that folds last
 * ({@code method}) its fallback. The family never exceeds its limit and never drops a recording.
 *
 * <p>The listener hears about each recording whose series has other label values than the recording
 * had, once: a combination made only of values other series already use is still created as given
 * while there is room, and is no fold.
 *
 * @param <M> what a series holds (a Micrometer meter, or a small holder of meters)
 */
public final class SeriesFamily<M> {

  /** Creates the meter(s) of a new series from canonical label values. */
  @FunctionalInterface
  public interface Factory<M> {
    M create(List<String> values);
  }

  /** Told about values folded or rejected; must be fast and must not throw. */
  public interface Listener {
    /** A recording was folded into an {@code other} series because the limit was reached. */
    void overflowed();

    /** A recording was dropped: a closed label rejected its value, or creating the series failed. */
    void dropped();
  }

  private static final String REJECT = "\u0000reject";
  /** The key of the only series of a metric without labels. */
  private static final String NO_LABELS = "";

  /**
   * One level of the tree: label value → next level, or → the series at the last label.
   *
   * <p>{@code first} holds the first entry ever added to this level, keyed by the very {@code String}
   * instance the map holds. A caller passing that instance — a literal, a constant, a declared value,
   * which is what callers mostly pass — is answered by one reference comparison, without reading the
   * hash or probing the table; anyone else falls through to the map. The slot is written once, under
   * the family lock, so the hot path never writes shared memory (a "last seen" slot would, and threads
   * recording different values would fight over its cache line). The entry is immutable, so a racy
   * read sees either null or a complete entry. A subclass rather than a wrapper, so a miss costs no
   * extra indirection.
   */
  static final class Level extends ConcurrentHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    /** What null and empty input mean on this level (a sentinel no key equals when rejected). */
    private final String missing;
    private transient Hit first;

    Level(String missing) {
      this.missing = missing;
    }

    /** The child or series for {@code value} as given; null when there is none yet. */
    Object find(String value) {
      Hit e = first;
      if (e != null && e.key == value) {
        return e.value;
      }
      return get(value == null || value.isEmpty() ? missing : value);
    }

    /** Adds a child or series (family lock held). */
    void add(String key, Object value) {
      put(key, value);
      if (first == null) {
        first = new Hit(key, value);
      }
    }
  }

  private static final class Hit {
    final String key;
    final Object value;

    Hit(String key, Object value) {
      this.key = key;
      this.value = value;
    }
  }

  /** One combination in {@value} (at least one) of those not reserved is kept for folded values. */
  static final int FOLD_SHARE = 50;

  private final String metric;
  private final LabelSpec[] labels;
  private final int limit;
  private final int seriesPerCombination;
  private final int combinations;
  private final int reserve;
  private final int foldedBudget;
  private final int exactBudget;
  private final int maxValueLength;
  private final Factory<M> factory;
  private final Listener listener;
  private final String[] missingKeys;
  private final Level root;
  private final List<Set<String>> known = new ArrayList<>();
  private final Object lock = new Object();
  private volatile int series;

  /**
   * @param limit exposed series this family may have
   * @param seriesPerCombination exposed series one combination of label values costs
   * @throws IllegalArgumentException if {@code limit} leaves no room for values as given and folded
   */
  public SeriesFamily(String metric, List<LabelSpec> labels, int limit, int seriesPerCombination,
      int maxValueLength, Factory<M> factory, Listener listener) {
    this.metric = metric;
    this.labels = labels.toArray(new LabelSpec[0]);
    this.maxValueLength = maxValueLength;
    this.factory = factory;
    this.listener = listener;
    this.missingKeys = new String[this.labels.length];
    int kept = 1;
    for (int i = 0; i < this.labels.length; i++) {
      LabelSpec l = this.labels[i];
      String missing = l.missingValue();
      missingKeys[i] = missing == null ? REJECT : missing;
      if (l.isKeptInLastResort()) {
        kept = Math.multiplyExact(kept, l.closedValues().size());
      }
      known.add(ConcurrentHashMap.newKeySet());
    }
    this.root = new Level(this.labels.length == 0 ? NO_LABELS : missingKeys[0]);
    if (seriesPerCombination < 1) {
      throw new IllegalArgumentException("a combination costs at least one series, was "
          + seriesPerCombination);
    }
    this.seriesPerCombination = seriesPerCombination;
    this.limit = limit;
    this.combinations = limit / seriesPerCombination;
    if (this.labels.length == 0) {
      // One series, never folded: nothing to reserve.
      if (combinations < 1) {
        throw new IllegalArgumentException("cardinality limit of " + metric + " must be at least "
            + seriesPerCombination + " (the exposed series of its one combination), was " + limit);
      }
      this.reserve = 0;
      this.foldedBudget = 0;
      this.exactBudget = 1;
      return;
    }
    this.reserve = kept;
    int minimum = minimumLimit(labels, seriesPerCombination);
    if (limit < minimum) {
      throw new IllegalArgumentException("cardinality limit of " + metric + " must be at least "
          + minimum + " exposed series (" + (reserve + 2) + " combinations of label values at "
          + seriesPerCombination + " series each: one for values as given, one for folded values and "
          + reserve + " reserved for the last resort" + (reserve > 1 ? ", one per value of its closed "
          + "labels that never fold" : "") + "), was " + limit);
    }
    int open = combinations - reserve;
    this.foldedBudget = Math.max(1, open / FOLD_SHARE);
    this.exactBudget = open - foldedBudget;
  }

  /**
   * The smallest limit a family with {@code labels} can have: room for the combinations reserved for
   * the last resort, one for values as given and one for folded values (one combination without
   * labels).
   */
  public static int minimumLimit(List<LabelSpec> labels, int seriesPerCombination) {
    if (labels.isEmpty()) {
      return seriesPerCombination;
    }
    int kept = 1;
    for (LabelSpec l : labels) {
      if (l.isKeptInLastResort()) {
        kept = Math.multiplyExact(kept, l.closedValues().size());
      }
    }
    return Math.multiplyExact(kept + 2, seriesPerCombination);
  }

  public String metric() {
    return metric;
  }

  public int labelCount() {
    return labels.length;
  }

  /** Combinations of label values created so far (never more than {@link #combinations()}). */
  public int size() {
    return series;
  }

  /** Exposed series of the combinations created so far (never more than {@link #limit()}). */
  public int exposedSeries() {
    return series * seriesPerCombination;
  }

  /** The limit in exposed series. */
  public int limit() {
    return limit;
  }

  /** Combinations the limit allows. */
  public int combinations() {
    return combinations;
  }

  /** Combinations that may take values as given (declared or recorded). */
  public int exactBudget() {
    return exactBudget;
  }

  @SuppressWarnings("unchecked")
  private static <M> M cast(Object o) {
    return (M) o;
  }

  private static Level level(Object o) {
    return (Level) o;
  }

  /** The series of a metric without labels. */
  public M get() {
    Object m = root.find(NO_LABELS);
    return m != null ? cast(m) : resolve(new String[0]);
  }

  /** The series for one label value; null when the value was rejected. Never throws. */
  public M get(String a) {
    Object m = root.find(a);
    return m != null ? cast(m) : resolve(new String[] {a});
  }

  /** The series for two label values; null when a value was rejected. Never throws. */
  public M get(String a, String b) {
    Object n = root.find(a);
    if (n != null) {
      Object m = level(n).find(b);
      if (m != null) {
        return cast(m);
      }
    }
    return resolve(new String[] {a, b});
  }

  /** The series for three label values; null when a value was rejected. Never throws. */
  public M get(String a, String b, String c) {
    Object n = root.find(a);
    if (n != null) {
      n = level(n).find(b);
      if (n != null) {
        Object m = level(n).find(c);
        if (m != null) {
          return cast(m);
        }
      }
    }
    return resolve(new String[] {a, b, c});
  }

  /**
   * The series for any number of label values (missing values count as null, extra ones are
   * ignored); null when a value was rejected. Never throws.
   */
  public M getAll(String... values) {
    String[] v = values == null ? new String[0] : values;
    if (labels.length == 0) {
      return get();
    }
    if (v.length == labels.length) {
      Object n = root;
      for (int i = 0; i < labels.length && n != null; i++) {
        n = level(n).find(v[i]);
      }
      if (n != null) {
        return cast(n);
      }
    }
    String[] padded = new String[labels.length];
    System.arraycopy(v, 0, padded, 0, Math.min(v.length, padded.length));
    return resolve(padded);
  }

  /** Like {@link #getAll} but for values that were already resolved once (no overflow counting). */
  private M lookup(List<String> canonical) {
    if (labels.length == 0) {
      return cast(root.get(NO_LABELS));
    }
    Object n = root;
    for (int i = 0; i < canonical.size() && n != null; i++) {
      n = level(n).get(canonical.get(i));
    }
    return cast(n);
  }

  private M resolve(String[] raw) {
    List<String> canonical = new ArrayList<>(labels.length);
    for (int i = 0; i < labels.length; i++) {
      String c = labels[i].canonical(raw[i], maxValueLength);
      if (c == null) {
        listener.dropped();
        return null;
      }
      canonical.add(c);
    }
    M m = lookup(canonical);
    if (m != null) {
      return m;
    }
    // The series count only grows: once the exact budget is spent, folding needs no lock (a flood
    // of new values past the limit must not serialise the threads recording them).
    if (series < exactBudget) {
      synchronized (lock) {
        m = lookup(canonical);
        if (m != null) {
          return m;
        }
        if (series < exactBudget) {
          return create(canonical);
        }
      }
    }
    List<String> used = fold(canonical, true);
    m = lookup(used);
    if (m == null) {
      synchronized (lock) {
        m = lookup(used);
        if (m == null) {
          if (series < combinations - reserve) {
            m = create(used);
          } else {
            used = fold(canonical, false);
            m = lookup(used);
            if (m == null) {
              m = create(used);
            }
          }
        }
      }
    }
    // Counted once, here, and only when the series has other values than the recording: a
    // combination of values other series already use is still created as given while there is room.
    if (m != null && !used.equals(canonical)) {
      listener.overflowed();
    }
    return m;
  }

  private List<String> fold(List<String> canonical, boolean keepKnown) {
    List<String> folded = new ArrayList<>(canonical.size());
    for (int i = 0; i < labels.length; i++) {
      String v = canonical.get(i);
      boolean keep = labels[i].isClosed() ? keepKnown || labels[i].isKeptInLastResort()
          : keepKnown && known.get(i).contains(v);
      folded.add(keep ? v : labels[i].overflowValue(v));
    }
    return folded;
  }

  /** Creates a series (lock held). Returns null and reports a drop when the factory fails. */
  private M create(List<String> canonical) {
    return createWith(canonical, factory);
  }

  private M createWith(List<String> canonical, Factory<M> f) {
    M m;
    try {
      m = f.create(List.copyOf(canonical));
    } catch (RuntimeException e) {
      listener.dropped();
      return null;
    }
    if (labels.length == 0) {
      root.add(NO_LABELS, m);
    } else {
      Level n = root;
      for (int i = 0; i < labels.length - 1; i++) {
        Object child = n.get(canonical.get(i));
        if (child == null) {
          child = new Level(missingKeys[i + 1]);
          n.add(canonical.get(i), child);
        }
        n = level(child);
      }
      n.add(canonical.get(labels.length - 1), m);
      for (int i = 0; i < labels.length; i++) {
        known.get(i).add(canonical.get(i));
      }
    }
    series = series + 1;
    return m;
  }

  /**
   * Creates the series for every combination of {@code valuesPerLabel} at start-up, so they are
   * exposed at zero from the first scrape.
   *
   * @throws IllegalArgumentException if a value is not allowed or the combinations exceed the limit
   */
  public void preRegister(List<List<String>> valuesPerLabel) {
    if (valuesPerLabel.size() != labels.length) {
      throw new IllegalArgumentException(metric + " has " + labels.length + " labels");
    }
    List<List<String>> canonical = new ArrayList<>();
    long product = 1;
    for (int i = 0; i < labels.length; i++) {
      List<String> c = labels[i].canonicalDeclared(valuesPerLabel.get(i), maxValueLength);
      canonical.add(c);
      product *= c.size();
    }
    synchronized (lock) {
      if (product > (long) exactBudget - series) {
        throw new IllegalArgumentException("declared label values give " + product + " combinations for "
            + metric + ", more than its cardinality limit allows (" + (exactBudget - series)
            + " combinations left for declared and recorded values, of a limit of " + limit
            + " exposed series at " + seriesPerCombination + " per combination); raise "
            + "cardinalityLimit(\"" + metric + "\", n) or declare fewer");
      }
      preRegister(canonical, 0, new ArrayList<>());
    }
  }

  /**
   * Whether {@link #preRegister} of {@code valuesPerLabel} fits the combinations left for values as
   * given.
   *
   * @throws IllegalArgumentException if a value is not allowed
   */
  public boolean fits(List<List<String>> valuesPerLabel) {
    long product = 1;
    for (int i = 0; i < labels.length && i < valuesPerLabel.size(); i++) {
      product *= labels[i].canonicalDeclared(valuesPerLabel.get(i), maxValueLength).size();
    }
    synchronized (lock) {
      return product <= (long) exactBudget - series;
    }
  }

  private void preRegister(List<List<String>> canonical, int depth, List<String> prefix) {
    if (depth == canonical.size()) {
      if (lookup(prefix) == null) {
        create(prefix);
      }
      return;
    }
    for (String v : canonical.get(depth)) {
      prefix.add(v);
      preRegister(canonical, depth + 1, prefix);
      prefix.remove(prefix.size() - 1);
    }
  }

  /**
   * Creates one series with its own factory (a function-backed meter, say) at configuration time.
   *
   * @throws IllegalArgumentException if the series exists, a value is rejected, or the limit is reached
   */
  public M register(List<String> rawValues, Factory<M> seriesFactory) {
    if (rawValues.size() != labels.length) {
      throw new IllegalArgumentException(metric + " takes " + labels.length + " label values, got "
          + rawValues.size());
    }
    List<String> canonical = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      String c = labels[i].canonical(rawValues.get(i), maxValueLength);
      if (c == null) {
        throw new IllegalArgumentException("label " + labels[i] + " does not take " + rawValues.get(i));
      }
      canonical.add(c);
    }
    synchronized (lock) {
      if (lookup(canonical) != null) {
        throw new IllegalArgumentException(metric + " already has a series " + canonical);
      }
      if (series >= exactBudget) {
        throw new IllegalArgumentException(metric + " reached its cardinality limit of " + limit
            + " exposed series");
      }
      M m = createWith(canonical, seriesFactory);
      if (m == null) {
        throw new IllegalArgumentException("the registry refused series " + canonical + " of " + metric);
      }
      return m;
    }
  }

  /** Looks up a series by canonical values without creating it (tests, adapters). */
  public M find(List<String> canonical) {
    return lookup(canonical);
  }
}
