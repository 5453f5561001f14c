package com.englog.observability.monitoring;

import com.englog.observability.monitoring.PromQl.Aggregation;
import com.englog.observability.monitoring.PromQl.Binary;
import com.englog.observability.monitoring.PromQl.Call;
import com.englog.observability.monitoring.PromQl.Matcher;
import com.englog.observability.monitoring.PromQl.Node;
import com.englog.observability.monitoring.PromQl.NumberLiteral;
import com.englog.observability.monitoring.PromQl.Paren;
import com.englog.observability.monitoring.PromQl.Selector;
import com.englog.observability.monitoring.PromQl.StringLiteral;
import com.englog.observability.monitoring.PromQl.Subquery;
import com.englog.observability.monitoring.PromQl.Unary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks PromQL queries against the metric catalogs: every metric and label exists, functions get the
 * metric type they need, quantiles aggregate buckets by {@code le}, quantile thresholds lie inside the
 * bucket range, {@code le} selectors are bucket bounds written as the exposition writes them, and
 * vector matching uses labels both sides have. It infers the label set of every sub-expression the way
 * Prometheus computes it.
 */
final class QueryChecker {

  /** The labels of an expression's result; {@code names == null} means "not known". */
  static final class Labels {
    static final Labels SCALAR = new Labels(true, Set.of());
    static final Labels UNKNOWN = new Labels(false, null);
    final boolean scalar;
    final Set<String> names;

    private Labels(boolean scalar, Set<String> names) {
      this.scalar = scalar;
      this.names = names;
    }

    static Labels of(Set<String> names) {
      return new Labels(false, Set.copyOf(names));
    }

    boolean known() {
      return names != null;
    }

    @Override
    public String toString() {
      return scalar ? "scalar" : names == null ? "unknown" : new TreeSet<>(names).toString();
    }
  }

  static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "irate", "increase", "resets");
  static final Set<String> GAUGE_FUNCTIONS =
      Set.of("deriv", "predict_linear", "delta", "idelta", "holt_winters");
  static final Set<String> SAME_LABEL_FUNCTIONS = Set.of("rate", "irate", "increase", "resets",
      "deriv", "predict_linear", "delta", "idelta", "holt_winters", "abs", "ceil", "floor", "round",
      "exp", "ln", "log2", "log10", "sqrt", "clamp", "clamp_min", "clamp_max", "sort", "sort_desc",
      "timestamp", "changes", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
      "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
      "last_over_time", "present_over_time", "sgn", "day_of_month", "day_of_week", "day_of_year",
      "days_in_month", "hour", "minute", "month", "year", "acos", "asin", "atan", "cos", "sin",
      "tan", "deg", "rad");
  static final Set<String> SCALAR_FUNCTIONS = Set.of("time", "scalar", "pi");

  private final MetricCatalog catalog;
  /** Labels of recorded series by record name; a name may be recorded by several rules. */
  private final Map<String, Labels> recorded;
  private List<String> problems;

  QueryChecker(MetricCatalog catalog, Map<String, Labels> recorded) {
    this.catalog = catalog;
    this.recorded = recorded;
  }

  /**
   * Builds a checker that knows the labels of every recorded series of {@code rules}, inferring them
   * until they no longer change (records may use records of other files).
   */
  static QueryChecker forRules(MetricCatalog catalog, List<RuleFiles.Rule> rules) {
    Map<String, Labels> recorded = new HashMap<>();
    for (RuleFiles.Rule r : rules) {
      if (!r.isAlert()) {
        recorded.put(r.record, Labels.UNKNOWN);
      }
    }
    for (int round = 0; round < 5; round++) {
      Map<String, Labels> next = new HashMap<>();
      QueryChecker pass = new QueryChecker(catalog, recorded);
      for (RuleFiles.Rule r : rules) {
        if (r.isAlert()) {
          continue;
        }
        Labels ls;
        try {
          ls = pass.labelsOf(r.expr);
        } catch (IllegalArgumentException e) {
          ls = Labels.UNKNOWN;
        }
        if (ls.known()) {
          Set<String> names = new LinkedHashSet<>(ls.names);
          names.addAll(r.labels.keySet());
          ls = Labels.of(names);
        }
        next.merge(r.record, ls, QueryChecker::union);
      }
      if (next.toString().equals(recorded.toString())) {
        break;
      }
      recorded = next;
    }
    return new QueryChecker(catalog, recorded);
  }

  /** Labels of a recorded series (null if no rule records it). */
  Labels recordedLabels(String record) {
    return recorded.get(record);
  }

  /** The label set of the query's result, ignoring problems. */
  Labels labelsOf(String query) {
    problems = new ArrayList<>();
    return labels(PromQl.parse(query));
  }

  /** Every problem of {@code query}; empty when it is sound. */
  List<String> check(String query) {
    problems = new ArrayList<>();
    Node root;
    try {
      root = PromQl.parse(query);
    } catch (IllegalArgumentException e) {
      return List.of("does not parse: " + e.getMessage());
    }
    labels(root);
    for (Node n : PromQl.walk(root)) {
      if (n instanceof Binary) {
        checkQuantileThreshold((Binary) n);
      }
    }
    return List.copyOf(new LinkedHashSet<>(problems));
  }

  private Labels labels(Node n) {
    if (n instanceof NumberLiteral) {
      return Labels.SCALAR;
    }
    if (n instanceof StringLiteral) {
      return Labels.SCALAR;
    }
    if (n instanceof Paren) {
      return labels(((Paren) n).expr);
    }
    if (n instanceof Unary) {
      return labels(((Unary) n).expr);
    }
    if (n instanceof Selector) {
      return selector((Selector) n);
    }
    if (n instanceof Subquery) {
      return labels(((Subquery) n).expr);
    }
    if (n instanceof Call) {
      return call((Call) n);
    }
    if (n instanceof Aggregation) {
      return aggregation((Aggregation) n);
    }
    if (n instanceof Binary) {
      return binary((Binary) n);
    }
    throw new IllegalStateException("unknown node " + n);
  }

  private Labels selector(Selector s) {
    if (s.name == null) {
      problems.add("selector " + s + " has no metric name");
      return Labels.UNKNOWN;
    }
    if (s.name.equals("ALERTS") || s.name.equals("ALERTS_FOR_STATE")) {
      return Labels.UNKNOWN; // Prometheus's own series; its labels are those of every alert
    }
    Labels recordedLabels = recorded.get(s.name);
    MetricCatalog.Series series = catalog.resolve(s.name);
    Set<String> available;
    if (series != null) {
      available = series.labels;
    } else if (recordedLabels != null) {
      if (!recordedLabels.known()) {
        return Labels.UNKNOWN;
      }
      available = recordedLabels.names;
    } else {
      problems.add("unknown metric " + s.name + " (in no catalog, exporter list or recording rule)");
      return Labels.UNKNOWN;
    }
    for (Matcher m : s.matchers) {
      if (m.label().equals("__name__")) {
        continue;
      }
      if (!available.contains(m.label())) {
        problems.add("label " + m.label() + " does not exist on " + s.name + " (it has "
            + new TreeSet<>(available) + ")");
        continue;
      }
      if (series != null) {
        checkValue(s, series, m);
      }
    }
    return Labels.of(available);
  }

  private void checkValue(Selector s, MetricCatalog.Series series, Matcher m) {
    if (m.label().equals("le") && series.kind.equals("bucket")) {
      Set<String> exposed = new LinkedHashSet<>();
      for (double b : series.metric.buckets) {
        exposed.add(MetricCatalog.exposedLe(b));
      }
      exposed.add("+Inf");
      if (m.op().equals("=") && !exposed.contains(m.value())) {
        problems.add(s.name + ": le=\"" + m.value() + "\" is not a bucket bound as the exposition writes"
            + " it (one of " + exposed + ")");
      }
      return;
    }
    List<String> values = series.values(m.label());
    if (values == null || m.op().startsWith("!")) {
      return;
    }
    if (m.op().equals("=")) {
      if (!values.contains(m.value())) {
        problems.add(s.name + ": " + m.label() + "=\"" + m.value() + "\" is not one of " + values);
      }
    } else {
      try {
        Pattern p = Pattern.compile(m.value());
        if (values.stream().noneMatch(v -> p.matcher(v).matches())) {
          problems.add(s.name + ": " + m.label() + "=~\"" + m.value() + "\" matches none of " + values);
        }
      } catch (PatternSyntaxException e) {
        problems.add(s.name + ": " + m.label() + "=~\"" + m.value() + "\" is not a valid regex");
      }
    }
  }

  private Labels call(Call c) {
    List<Labels> args = new ArrayList<>();
    for (Node a : c.args) {
      args.add(labels(a));
    }
    String f = c.function;
    if (COUNTER_FUNCTIONS.contains(f) || GAUGE_FUNCTIONS.contains(f)) {
      checkRangeType(c, COUNTER_FUNCTIONS.contains(f));
    }
    if (f.equals("histogram_quantile")) {
      return histogramQuantile(c, args);
    }
    if (SCALAR_FUNCTIONS.contains(f)) {
      return Labels.SCALAR;
    }
    if (f.equals("vector")) {
      return Labels.of(Set.of());
    }
    if (f.equals("absent") || f.equals("absent_over_time")) {
      Node arg = PromQl.unwrap(c.args.get(0));
      Set<String> names = new LinkedHashSet<>();
      if (arg instanceof Selector) {
        for (Matcher m : ((Selector) arg).matchers) {
          if (m.op().equals("=") && !m.label().equals("__name__")) {
            names.add(m.label());
          }
        }
      }
      return Labels.of(names);
    }
    if (f.equals("label_replace") || f.equals("label_join")) {
      Labels in = args.get(0);
      String dst = ((StringLiteral) PromQl.unwrap(c.args.get(1))).value;
      if (f.equals("label_replace") && in.known()) {
        String src = ((StringLiteral) PromQl.unwrap(c.args.get(3))).value;
        if (!in.names.contains(src)) {
          problems.add("label_replace reads label " + src + " that its input does not have " + in);
        }
      }
      if (!in.known()) {
        return in;
      }
      Set<String> names = new LinkedHashSet<>(in.names);
      names.add(dst);
      return Labels.of(names);
    }
    if (SAME_LABEL_FUNCTIONS.contains(f)) {
      // The vector argument: the last one for quantile_over_time, the first one for the others.
      return f.equals("quantile_over_time") ? args.get(1) : args.get(0);
    }
    problems.add("unknown function " + f + "()");
    return Labels.UNKNOWN;
  }

  private void checkRangeType(Call c, boolean wantsCounter) {
    Node arg = PromQl.unwrap(c.args.get(wantsCounter ? 0 : 0));
    if (arg instanceof Subquery) {
      return;
    }
    if (!(arg instanceof Selector) || ((Selector) arg).range == null) {
      problems.add(c.function + "() needs a range vector selector");
      return;
    }
    Selector s = (Selector) arg;
    MetricCatalog.Series series = catalog.resolve(s.name);
    String kind = series != null ? series.kind : recorded.containsKey(s.name) ? "gauge" : null;
    if (kind == null) {
      return; // reported as unknown metric
    }
    boolean counterLike = kind.equals("counter") || kind.equals("bucket");
    if (wantsCounter && !counterLike) {
      problems.add(c.function + "() on " + s.name + ", which is a gauge, not a counter");
    }
    if (!wantsCounter && counterLike) {
      problems.add(c.function + "() on " + s.name + ", which is a counter: use rate()/increase()");
    }
  }

  private Labels histogramQuantile(Call c, List<Labels> args) {
    Node phi = PromQl.unwrap(c.args.get(0));
    if (phi instanceof NumberLiteral) {
      double v = ((NumberLiteral) phi).value;
      if (v < 0 || v > 1) {
        problems.add("histogram_quantile(" + v + ", …): the quantile must be within [0, 1]");
      }
    }
    if (histogramOf(c.args.get(1)) == null) {
      problems.add("histogram_quantile() over something that is not a histogram's buckets");
    }
    Labels in = args.get(1);
    if (!in.known()) {
      return in;
    }
    if (!in.names.contains("le")) {
      problems.add("histogram_quantile() over buckets aggregated without le: keep `le` in the"
          + " aggregation (by (le, …)), otherwise the buckets are summed into one series");
      return in;
    }
    Set<String> out = new LinkedHashSet<>(in.names);
    out.remove("le");
    return Labels.of(out);
  }

  /** The histogram whose buckets feed {@code n}, or null. */
  MetricCatalog.Metric histogramOf(Node n) {
    for (Node d : PromQl.walk(n)) {
      if (d instanceof Selector && ((Selector) d).name != null) {
        MetricCatalog.Metric m = catalog.histogramOfBucketSeries(((Selector) d).name);
        if (m != null) {
          return m;
        }
      }
    }
    return null;
  }

  private Labels aggregation(Aggregation a) {
    if (a.param != null) {
      labels(a.param);
    }
    Labels in = labels(a.expr);
    if (in.known()) {
      for (String g : a.grouping) {
        if (!in.names.contains(g)) {
          problems.add(a.op + (a.without ? " without " : " by ") + a.grouping + ": label " + g
              + " does not exist on its input " + in);
        }
      }
    }
    if (a.op.equals("topk") || a.op.equals("bottomk")) {
      return in;
    }
    Set<String> out = new LinkedHashSet<>();
    if (a.without) {
      if (!in.known()) {
        return in;
      }
      out.addAll(in.names);
      out.removeAll(a.grouping);
    } else {
      out.addAll(a.grouping);
    }
    if (a.op.equals("count_values") && a.param instanceof StringLiteral) {
      out.add(((StringLiteral) a.param).value);
    }
    return Labels.of(out);
  }

  private Labels binary(Binary b) {
    Labels l = labels(b.lhs);
    Labels r = labels(b.rhs);
    if (l.scalar && r.scalar) {
      return Labels.SCALAR;
    }
    if (l.scalar) {
      return r;
    }
    if (r.scalar) {
      return l;
    }
    if (!l.known() || !r.known()) {
      if (b.op.equals("or")) {
        return Labels.UNKNOWN;
      }
      return b.isSetOperator() ? l : Labels.UNKNOWN;
    }
    String where = "`" + b.op + (b.matching == null ? "" : " " + b.matching + " " + b.matchingLabels)
        + "` between " + l + " and " + r;
    if (b.matching != null && b.matching.equals("on")) {
      for (String label : b.matchingLabels) {
        if (!l.names.contains(label) || !r.names.contains(label)) {
          problems.add(where + ": both sides need label " + label);
        }
      }
    }
    if (b.isSetOperator()) {
      if (b.op.equals("or")) {
        Set<String> u = new LinkedHashSet<>(l.names);
        u.addAll(r.names);
        return Labels.of(u);
      }
      return l;
    }
    if (b.op.equals("/")) {
      checkSelfDivision(b, l, r);
    }
    if (b.group == null) {
      Set<String> ls = new TreeSet<>(l.names);
      Set<String> rs = new TreeSet<>(r.names);
      if (b.matching == null) {
        if (!ls.equals(rs)) {
          problems.add(where + ": one-to-one matching needs the same labels on both sides"
              + " (or on(…)/ignoring(…)); as written it never matches");
        }
        return l;
      }
      if (b.matching.equals("on")) {
        return Labels.of(new LinkedHashSet<>(b.matchingLabels));
      }
      ls.removeAll(b.matchingLabels);
      rs.removeAll(b.matchingLabels);
      if (!ls.equals(rs)) {
        problems.add(where + ": after ignoring " + b.matchingLabels + " the sides still differ");
      }
      return Labels.of(ls);
    }
    Set<String> many = new LinkedHashSet<>(b.group.equals("group_left") ? l.names : r.names);
    many.addAll(b.include);
    return Labels.of(many);
  }

  /**
   * MVP-024's {@code rate(x{status_code=~"5.."}[5m]) / rate(x[5m])}: both sides keep the label the
   * numerator filters on, so each 5xx series is divided by itself and the "ratio" is 1 (or nothing).
   */
  private void checkSelfDivision(Binary b, Labels l, Labels r) {
    Map<String, String> lhsFilters = positiveFilters(b.lhs);
    Map<String, String> rhsFilters = positiveFilters(b.rhs);
    Set<String> kept = new TreeSet<>(l.names);
    kept.retainAll(r.names);
    if (b.matching != null) {
      if (b.matching.equals("on")) {
        kept.retainAll(b.matchingLabels);
      } else {
        kept.removeAll(b.matchingLabels);
      }
    }
    for (Map.Entry<String, String> f : lhsFilters.entrySet()) {
      if (kept.contains(f.getKey()) && !f.getValue().equals(rhsFilters.get(f.getKey()))) {
        problems.add("ratio: the numerator filters " + f.getKey() + " but both sides keep that label,"
            + " so every numerator series is divided by itself; aggregate it away first"
            + " (sum by (…) without " + f.getKey() + ")");
      }
    }
  }

  private static Map<String, String> positiveFilters(Node n) {
    Map<String, String> out = new HashMap<>();
    for (Node d : PromQl.walk(n)) {
      if (d instanceof Selector) {
        for (Matcher m : ((Selector) d).matchers) {
          if ((m.op().equals("=") || m.op().equals("=~")) && !m.label().equals("__name__")) {
            out.put(m.label(), m.op() + m.value());
          }
        }
      }
    }
    return out;
  }

  /**
   * {@code histogram_quantile(…) > x}: x must lie inside the bucket range. histogram_quantile
   * interpolates linearly inside a bucket (a threshold between two bounds is a fair estimate), but never
   * returns more than the highest finite bound, so a threshold at or above it can never be exceeded,
   * and below the lowest bound it only interpolates from zero.
   */
  private void checkQuantileThreshold(Binary b) {
    if (!b.isComparison()) {
      return;
    }
    Node l = PromQl.unwrap(b.lhs);
    Node r = PromQl.unwrap(b.rhs);
    Call quantile = null;
    NumberLiteral threshold = null;
    if (l instanceof Call && ((Call) l).function.equals("histogram_quantile")
        && r instanceof NumberLiteral) {
      quantile = (Call) l;
      threshold = (NumberLiteral) r;
    } else if (r instanceof Call && ((Call) r).function.equals("histogram_quantile")
        && l instanceof NumberLiteral) {
      quantile = (Call) r;
      threshold = (NumberLiteral) l;
    }
    if (quantile == null) {
      return;
    }
    MetricCatalog.Metric h = histogramOf(quantile.args.get(1));
    if (h == null || h.buckets.isEmpty()) {
      return;
    }
    double lowest = h.buckets.get(0);
    double highest = h.buckets.get(h.buckets.size() - 1);
    if (threshold.value < lowest || threshold.value >= highest) {
      problems.add("quantile threshold " + threshold.value + " of " + h.name
          + " is outside the bucket range [" + lowest + ", " + highest + "): histogram_quantile never"
          + " estimates above the highest finite bound and only guesses below the lowest");
    }
  }

  private static Labels union(Labels a, Labels b) {
    if (!a.known() || !b.known()) {
      return Labels.UNKNOWN;
    }
    Set<String> u = new LinkedHashSet<>(a.names);
    u.addAll(b.names);
    return Labels.of(u);
  }
}
