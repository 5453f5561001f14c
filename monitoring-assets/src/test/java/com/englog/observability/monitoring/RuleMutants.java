package com.englog.observability.monitoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mutants of an alert rule: small, plausible mistakes a reviewer would not spot, made through the
 * test-side PromQL parser ({@link PromQl}) and written back by {@link PromQlPrinter}.
 *
 * <ul>
 *   <li>{@code and}/{@code or}/{@code unless}: keep only one side (a deleted short window, a deleted
 *       traffic guard, a deleted tier branch);
 *   <li>a range window doubled ({@code [5m]} → {@code [10m]});
 *   <li>an {@code offset} replaced ({@code 1w} → {@code 1d}, anything else → {@code 1w}) or dropped;
 *   <li>a number of a comparison (a threshold, a burn-rate factor, a traffic floor) halved and doubled;
 *   <li>{@code for} and {@code keep_firing_for} halved and doubled;
 *   <li>a label matcher dropped and negated.
 * </ul>
 *
 * <p>Each mutant is described by a stable text ({@link Mutant#mutation()}) that
 * {@code src/test/promtool/equivalent-mutants.yml} refers to.
 */
final class RuleMutants {

  /** One changed copy of an alert rule. */
  record Mutant(RuleFiles.Rule rule, String mutation, String expr, String forDuration,
      String keepFiringFor) {
    @Override
    public String toString() {
      return rule.id() + " (" + rule.file.getFileName() + "): " + mutation;
    }
  }

  private static final int SNIPPET = 70;

  private final RuleFiles.Rule rule;
  private final PromQl.Node root;
  private final List<Mutant> out = new ArrayList<>();
  private final Map<String, Integer> seen = new HashMap<>();

  private RuleMutants(RuleFiles.Rule rule) {
    this.rule = rule;
    this.root = PromQl.parse(rule.expr);
  }

  /** Every mutant of {@code rule}, in a stable order. */
  static List<Mutant> of(RuleFiles.Rule rule) {
    RuleMutants m = new RuleMutants(rule);
    m.generate();
    return Collections.unmodifiableList(m.out);
  }

  private void generate() {
    List<PromQl.Node> nodes = PromQl.walk(root);
    int setOps = 0;
    for (PromQl.Node n : nodes) {
      if (n instanceof PromQl.Binary && ((PromQl.Binary) n).isSetOperator()) {
        PromQl.Binary b = (PromQl.Binary) n;
        setOps++;
        String op = b.op + " #" + setOps;
        replace("drop the right side of " + op + ": " + snippet(b.rhs), b, b.lhs);
        replace("drop the left side of " + op + ": " + snippet(b.lhs), b, b.rhs);
      }
    }
    for (PromQl.Node n : nodes) {
      if (n instanceof PromQl.Selector) {
        selector((PromQl.Selector) n);
      } else if (n instanceof PromQl.Subquery) {
        PromQl.Subquery s = (PromQl.Subquery) n;
        String wider = Durations.format(Durations.seconds(s.range) * 2);
        replace("subquery range [" + s.range + ":] -> [" + wider + ":]", s,
            new PromQl.Subquery(s.expr, wider, s.step));
      }
    }
    for (PromQl.NumberLiteral number : comparedNumbers(nodes)) {
      double v = number.value;
      replace("number " + PromQlPrinter.number(v) + " -> " + PromQlPrinter.number(v * 0.5), number,
          new PromQl.NumberLiteral(v * 0.5));
      replace("number " + PromQlPrinter.number(v) + " -> " + PromQlPrinter.number(v * 2), number,
          new PromQl.NumberLiteral(v * 2));
    }
    String expr = PromQlPrinter.print(root);
    duration("for", rule.forDuration, d -> add("for " + rule.forDuration + " -> " + d, expr, d,
        rule.keepFiringFor));
    duration("keep_firing_for", rule.keepFiringFor, d -> add("keep_firing_for "
        + rule.keepFiringFor + " -> " + d, expr, rule.forDuration, d));
  }

  private void selector(PromQl.Selector s) {
    String name = s.name == null ? "{}" : s.name;
    if (s.range != null) {
      String wider = Durations.format(Durations.seconds(s.range) * 2);
      PromQl.Selector m = copy(s);
      m.range = wider;
      replace("range [" + s.range + "] -> [" + wider + "] of " + name, s, m);
    }
    if (s.offset != null) {
      String other = Durations.seconds(s.offset) == Durations.seconds("1w") ? "1d" : "1w";
      PromQl.Selector m = copy(s);
      m.offset = other;
      replace("offset " + s.offset + " -> " + other + " of " + name, s, m);
      PromQl.Selector dropped = copy(s);
      dropped.offset = null;
      replace("drop offset " + s.offset + " of " + name, s, dropped);
    }
    for (int i = 0; i < s.matchers.size(); i++) {
      PromQl.Matcher matcher = s.matchers.get(i);
      PromQl.Selector dropped = copy(s);
      dropped.matchers.remove(i);
      replace("drop matcher " + matcher + " of " + name, s, dropped);
      PromQl.Selector negated = copy(s);
      negated.matchers.set(i, new PromQl.Matcher(matcher.label(), negate(matcher.op()),
          matcher.value()));
      replace("negate matcher " + matcher + " of " + name, s, negated);
    }
  }

  /** Non-zero numbers reachable from a comparison's operands through arithmetic and parentheses. */
  private static List<PromQl.NumberLiteral> comparedNumbers(List<PromQl.Node> nodes) {
    Set<PromQl.NumberLiteral> found = Collections.newSetFromMap(new IdentityHashMap<>());
    List<PromQl.NumberLiteral> ordered = new ArrayList<>();
    for (PromQl.Node n : nodes) {
      if (n instanceof PromQl.Binary && ((PromQl.Binary) n).isComparison()) {
        collectNumbers(((PromQl.Binary) n).lhs, found, ordered);
        collectNumbers(((PromQl.Binary) n).rhs, found, ordered);
      }
    }
    return ordered;
  }

  private static void collectNumbers(PromQl.Node n, Set<PromQl.NumberLiteral> found,
      List<PromQl.NumberLiteral> ordered) {
    if (n instanceof PromQl.NumberLiteral) {
      PromQl.NumberLiteral number = (PromQl.NumberLiteral) n;
      if (number.value != 0 && Double.isFinite(number.value) && found.add(number)) {
        ordered.add(number);
      }
    } else if (n instanceof PromQl.Paren) {
      collectNumbers(((PromQl.Paren) n).expr, found, ordered);
    } else if (n instanceof PromQl.Unary) {
      collectNumbers(((PromQl.Unary) n).expr, found, ordered);
    } else if (n instanceof PromQl.Binary && !((PromQl.Binary) n).isSetOperator()) {
      collectNumbers(((PromQl.Binary) n).lhs, found, ordered);
      collectNumbers(((PromQl.Binary) n).rhs, found, ordered);
    }
  }

  private interface DurationMutant {
    void accept(String duration);
  }

  private static void duration(String field, String value, DurationMutant mutant) {
    if (value == null || Durations.seconds(value) == 0) {
      return;
    }
    long s = Durations.seconds(value);
    mutant.accept(Durations.format(s / 2));
    mutant.accept(Durations.format(s * 2));
  }

  private void replace(String mutation, PromQl.Node target, PromQl.Node replacement) {
    add(mutation, PromQlPrinter.printReplacing(root, target, replacement), rule.forDuration,
        rule.keepFiringFor);
  }

  private void add(String mutation, String expr, String forDuration, String keepFiringFor) {
    int n = seen.merge(mutation, 1, Integer::sum);
    out.add(new Mutant(rule, n == 1 ? mutation : mutation + " (#" + n + ")", expr, forDuration,
        keepFiringFor));
  }

  private static PromQl.Selector copy(PromQl.Selector s) {
    PromQl.Selector c = new PromQl.Selector(s.name, new ArrayList<>(s.matchers));
    c.range = s.range;
    c.offset = s.offset;
    return c;
  }

  private static String negate(String op) {
    switch (op) {
      case "=": return "!=";
      case "!=": return "=";
      case "=~": return "!~";
      case "!~": return "=~";
      default: throw new IllegalArgumentException(op);
    }
  }

  private static String snippet(PromQl.Node n) {
    String text = PromQlPrinter.print(n).replaceAll("\\s+", " ");
    return text.length() <= SNIPPET ? text : text.substring(0, SNIPPET - 3) + "...";
  }

  /** Prometheus durations ({@code 1h30m}, {@code 250ms}) in whole seconds. */
  static final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)");
    private static final long[] UNIT_SECONDS = {7 * 86400, 86400, 3600, 60, 1};
    private static final String[] UNITS = {"w", "d", "h", "m", "s"};

    private Durations() {}

    static long seconds(String duration) {
      String d = duration.startsWith("-") ? duration.substring(1) : duration;
      Matcher m = PART.matcher(d);
      long total = 0;
      int end = 0;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "y": total += n * 365 * 86400; break;
          case "w": total += n * 7 * 86400; break;
          case "d": total += n * 86400; break;
          case "h": total += n * 3600; break;
          case "m": total += n * 60; break;
          case "s": total += n; break;
          default: total += n / 1000;
        }
        end = m.end();
      }
      if (end != d.length()) {
        throw new IllegalArgumentException("not a duration: " + duration);
      }
      return total;
    }

    /** Seconds as a Prometheus duration, largest units first ({@code 150} → {@code 2m30s}). */
    static String format(long seconds) {
      if (seconds == 0) {
        return "0s";
      }
      StringBuilder b = new StringBuilder();
      long rest = seconds;
      for (int i = 0; i < UNITS.length; i++) {
        if (rest >= UNIT_SECONDS[i]) {
          b.append(rest / UNIT_SECONDS[i]).append(UNITS[i]);
          rest %= UNIT_SECONDS[i];
        }
      }
      return b.toString();
    }
  }
}
