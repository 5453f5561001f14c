package com.englog.observability.monitoring;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a {@link PromQl} tree back as PromQL text, optionally with one node replaced by another: how
 * the rule mutation sweep turns a changed tree into a rule expression. Binary operands that are
 * themselves operators are parenthesised, so the text always means exactly the tree (extra parentheses
 * change nothing). {@code @} modifiers are not kept by the parser and no shipped rule uses one.
 */
final class PromQlPrinter {

  private final PromQl.Node target;
  private final PromQl.Node replacement;

  private PromQlPrinter(PromQl.Node target, PromQl.Node replacement) {
    this.target = target;
    this.replacement = replacement;
  }

  static String print(PromQl.Node root) {
    return new PromQlPrinter(null, null).node(root);
  }

  /** {@code root} printed with the node {@code target} (by identity) replaced by {@code replacement}. */
  static String printReplacing(PromQl.Node root, PromQl.Node target, PromQl.Node replacement) {
    return new PromQlPrinter(target, replacement).node(root);
  }

  private String node(PromQl.Node n) {
    if (n == target) {
      n = replacement;
    }
    if (n instanceof PromQl.NumberLiteral) {
      return number(((PromQl.NumberLiteral) n).value);
    }
    if (n instanceof PromQl.StringLiteral) {
      return quote(((PromQl.StringLiteral) n).value);
    }
    if (n instanceof PromQl.Selector) {
      return selector((PromQl.Selector) n);
    }
    if (n instanceof PromQl.Subquery) {
      PromQl.Subquery s = (PromQl.Subquery) n;
      return node(s.expr) + "[" + s.range + ":" + (s.step == null ? "" : s.step) + "]";
    }
    if (n instanceof PromQl.Call) {
      PromQl.Call c = (PromQl.Call) n;
      return c.function + "(" + c.args.stream().map(this::node).collect(Collectors.joining(", "))
          + ")";
    }
    if (n instanceof PromQl.Aggregation) {
      PromQl.Aggregation a = (PromQl.Aggregation) n;
      StringBuilder b = new StringBuilder(a.op);
      if (a.grouped) {
        b.append(a.without ? " without " : " by ").append(labels(a.grouping)).append(' ');
      }
      b.append('(');
      if (a.param != null) {
        b.append(node(a.param)).append(", ");
      }
      return b.append(node(a.expr)).append(')').toString();
    }
    if (n instanceof PromQl.Binary) {
      PromQl.Binary b = (PromQl.Binary) n;
      StringBuilder s = new StringBuilder(operand(b.lhs)).append(' ').append(b.op);
      if (b.returnBool) {
        s.append(" bool");
      }
      if (b.matching != null) {
        s.append(' ').append(b.matching).append(' ').append(labels(b.matchingLabels));
      }
      if (b.group != null) {
        s.append(' ').append(b.group);
        if (!b.include.isEmpty()) {
          s.append(' ').append(labels(b.include));
        }
      }
      return s.append(' ').append(operand(b.rhs)).toString();
    }
    if (n instanceof PromQl.Unary) {
      PromQl.Unary u = (PromQl.Unary) n;
      return u.op + operand(u.expr);
    }
    if (n instanceof PromQl.Paren) {
      return "(" + node(((PromQl.Paren) n).expr) + ")";
    }
    throw new IllegalArgumentException("cannot print " + n);
  }

  private String operand(PromQl.Node n) {
    PromQl.Node shown = n == target ? replacement : n;
    String text = node(n);
    return shown instanceof PromQl.Binary || shown instanceof PromQl.Unary ? "(" + text + ")" : text;
  }

  private static String selector(PromQl.Selector s) {
    StringBuilder b = new StringBuilder(s.name == null ? "" : s.name);
    if (s.name == null || !s.matchers.isEmpty()) {
      b.append(s.matchers.stream().map(m -> m.label() + m.op() + quote(m.value()))
          .collect(Collectors.joining(", ", "{", "}")));
    }
    if (s.range != null) {
      b.append('[').append(s.range).append(']');
    }
    if (s.offset != null) {
      b.append(" offset ").append(s.offset);
    }
    return b.toString();
  }

  private static String labels(List<String> labels) {
    return "(" + String.join(", ", labels) + ")";
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Inf" : "-Inf";
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
