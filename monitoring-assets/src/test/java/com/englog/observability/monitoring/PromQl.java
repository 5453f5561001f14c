package com.englog.observability.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A PromQL parser (Prometheus 2.42 grammar, less the experimental parts) producing a small AST, so the
 * tests can check every selector, function and aggregation of the shipped rules and dashboards against
 * the metric catalogs. promtool has no query parser command; the same queries are also handed to
 * {@code promtool check rules}, which stays the authority on syntax.
 */
final class PromQl {

  private PromQl() {}

  /** Any PromQL expression. */
  interface Node {}

  static final class NumberLiteral implements Node {
    final double value;

    NumberLiteral(double value) {
      this.value = value;
    }
  }

  static final class StringLiteral implements Node {
    final String value;

    StringLiteral(String value) {
      this.value = value;
    }
  }

  /** {@code label op "value"}. */
  record Matcher(String label, String op, String value) {
    @Override
    public String toString() {
      return label + op + '"' + value + '"';
    }
  }

  /** {@code name{matchers}[range] offset d}; range is null for an instant selector. */
  static final class Selector implements Node {
    final String name;
    final List<Matcher> matchers;
    String range;
    String offset;

    Selector(String name, List<Matcher> matchers) {
      this.name = name;
      this.matchers = matchers;
    }

    @Override
    public String toString() {
      return (name == null ? "" : name) + matchers + (range == null ? "" : "[" + range + "]");
    }
  }

  static final class Subquery implements Node {
    final Node expr;
    final String range;
    final String step;

    Subquery(Node expr, String range, String step) {
      this.expr = expr;
      this.range = range;
      this.step = step;
    }
  }

  static final class Call implements Node {
    final String function;
    final List<Node> args;

    Call(String function, List<Node> args) {
      this.function = function;
      this.args = args;
    }
  }

  static final class Aggregation implements Node {
    final String op;
    final List<String> grouping;
    final boolean without;
    final boolean grouped;
    final Node param;
    final Node expr;

    Aggregation(String op, List<String> grouping, boolean without, boolean grouped, Node param,
        Node expr) {
      this.op = op;
      this.grouping = grouping;
      this.without = without;
      this.grouped = grouped;
      this.param = param;
      this.expr = expr;
    }
  }

  static final class Binary implements Node {
    final String op;
    final Node lhs;
    final Node rhs;
    final boolean returnBool;
    /** "on", "ignoring" or null. */
    final String matching;
    final List<String> matchingLabels;
    /** "group_left", "group_right" or null. */
    final String group;
    final List<String> include;

    Binary(String op, Node lhs, Node rhs, boolean returnBool, String matching,
        List<String> matchingLabels, String group, List<String> include) {
      this.op = op;
      this.lhs = lhs;
      this.rhs = rhs;
      this.returnBool = returnBool;
      this.matching = matching;
      this.matchingLabels = matchingLabels;
      this.group = group;
      this.include = include;
    }

    boolean isSetOperator() {
      return op.equals("and") || op.equals("or") || op.equals("unless");
    }

    boolean isComparison() {
      return COMPARISONS.contains(op);
    }
  }

  static final class Unary implements Node {
    final String op;
    final Node expr;

    Unary(String op, Node expr) {
      this.op = op;
      this.expr = expr;
    }
  }

  static final class Paren implements Node {
    final Node expr;

    Paren(Node expr) {
      this.expr = expr;
    }
  }

  static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev",
      "stdvar", "count", "count_values", "bottomk", "topk", "quantile");
  static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");

  /** Parses {@code query}; throws {@link IllegalArgumentException} naming the position on error. */
  static Node parse(String query) {
    Parser p = new Parser(new Lexer(query).tokens(), query);
    Node n = p.expression(0);
    p.expect(Kind.EOF, "end of query");
    return n;
  }

  /** Every node of the tree, depth first, parents before children. */
  static List<Node> walk(Node root) {
    List<Node> out = new ArrayList<>();
    walk(root, out);
    return out;
  }

  private static void walk(Node n, List<Node> out) {
    out.add(n);
    if (n instanceof Subquery) {
      walk(((Subquery) n).expr, out);
    } else if (n instanceof Call) {
      ((Call) n).args.forEach(a -> walk(a, out));
    } else if (n instanceof Aggregation) {
      Aggregation a = (Aggregation) n;
      if (a.param != null) {
        walk(a.param, out);
      }
      walk(a.expr, out);
    } else if (n instanceof Binary) {
      walk(((Binary) n).lhs, out);
      walk(((Binary) n).rhs, out);
    } else if (n instanceof Unary) {
      walk(((Unary) n).expr, out);
    } else if (n instanceof Paren) {
      walk(((Paren) n).expr, out);
    }
  }

  /** Strips parentheses. */
  static Node unwrap(Node n) {
    while (n instanceof Paren) {
      n = ((Paren) n).expr;
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------

  enum Kind { IDENT, NUMBER, DURATION, STRING, OP, LPAREN, RPAREN, LBRACE, RBRACE, LBRACKET,
    RBRACKET, COMMA, COLON, AT, EOF }

  record Token(Kind kind, String text, int pos) {
    @Override
    public String toString() {
      return kind + "'" + text + "'@" + pos;
    }
  }

  private static final class Lexer {
    private final String s;
    private int i;

    Lexer(String s) {
      this.s = s;
    }

    List<Token> tokens() {
      List<Token> out = new ArrayList<>();
      while (true) {
        skipSpace();
        if (i >= s.length()) {
          out.add(new Token(Kind.EOF, "", i));
          return out;
        }
        int start = i;
        char c = s.charAt(i);
        if (Character.isLetter(c) || c == '_') {
          while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
              || s.charAt(i) == ':')) {
            i++;
          }
          out.add(new Token(Kind.IDENT, s.substring(start, i), start));
        } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length()
            && Character.isDigit(s.charAt(i + 1)))) {
          out.add(number(start));
        } else if (c == '"' || c == '\'' || c == '`') {
          out.add(new Token(Kind.STRING, string(c), start));
        } else {
          String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
          if (List.of("==", "!=", "=~", "!~", "<=", ">=").contains(two)) {
            i += 2;
            out.add(new Token(Kind.OP, two, start));
            continue;
          }
          i++;
          switch (c) {
            case '(': out.add(new Token(Kind.LPAREN, "(", start)); break;
            case ')': out.add(new Token(Kind.RPAREN, ")", start)); break;
            case '{': out.add(new Token(Kind.LBRACE, "{", start)); break;
            case '}': out.add(new Token(Kind.RBRACE, "}", start)); break;
            case '[': out.add(new Token(Kind.LBRACKET, "[", start)); break;
            case ']': out.add(new Token(Kind.RBRACKET, "]", start)); break;
            case ',': out.add(new Token(Kind.COMMA, ",", start)); break;
            case ':': out.add(new Token(Kind.COLON, ":", start)); break;
            case '@': out.add(new Token(Kind.AT, "@", start)); break;
            case '+': case '-': case '*': case '/': case '%': case '^': case '<': case '>': case '=':
              out.add(new Token(Kind.OP, String.valueOf(c), start));
              break;
            default:
              throw new IllegalArgumentException("unexpected character '" + c + "' at " + start
                  + " in: " + s);
          }
        }
      }
    }

    private void skipSpace() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '#') {
          while (i < s.length() && s.charAt(i) != '\n') {
            i++;
          }
        } else if (Character.isWhitespace(c)) {
          i++;
        } else {
          return;
        }
      }
    }

    private Token number(int start) {
      if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
        i += 2;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
          i++;
        }
        return new Token(Kind.NUMBER, s.substring(start, i), start);
      }
      // A duration is digits followed by units, e.g. 5m, 1h30m, 250ms.
      int j = i;
      boolean duration = false;
      while (true) {
        int d = j;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
          j++;
        }
        if (j == d) {
          break;
        }
        String unit = unitAt(j);
        if (unit == null) {
          j = d;
          break;
        }
        j += unit.length();
        duration = true;
      }
      if (duration && (j >= s.length() || !Character.isLetterOrDigit(s.charAt(j)))) {
        i = j;
        return new Token(Kind.DURATION, s.substring(start, i), start);
      }
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        int k = i + 1;
        if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
          k++;
        }
        if (k < s.length() && Character.isDigit(s.charAt(k))) {
          i = k;
          while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
          }
        }
      }
      return new Token(Kind.NUMBER, s.substring(start, i), start);
    }

    private String unitAt(int j) {
      for (String unit : List.of("ms", "s", "m", "h", "d", "w", "y")) {
        if (s.startsWith(unit, j)) {
          return unit;
        }
      }
      return null;
    }

    private String string(char quote) {
      StringBuilder b = new StringBuilder();
      i++;
      while (i < s.length() && s.charAt(i) != quote) {
        char c = s.charAt(i++);
        if (c == '\\' && quote != '`' && i < s.length()) {
          char e = s.charAt(i++);
          switch (e) {
            case 'n': b.append('\n'); break;
            case 't': b.append('\t'); break;
            case '\\': b.append('\\'); break;
            case '"': b.append('"'); break;
            case '\'': b.append('\''); break;
            default: b.append('\\').append(e);
          }
        } else {
          b.append(c);
        }
      }
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated string in: " + s);
      }
      i++;
      return b.toString();
    }
  }

  private static final class Parser {
    private final List<Token> tokens;
    private final String query;
    private int p;

    Parser(List<Token> tokens, String query) {
      this.tokens = tokens;
      this.query = query;
    }

    private Token peek() {
      return tokens.get(p);
    }

    private Token next() {
      return tokens.get(p++);
    }

    private boolean atKeyword(String word) {
      Token t = peek();
      return t.kind() == Kind.IDENT && t.text().equalsIgnoreCase(word);
    }

    Token expect(Kind kind, String what) {
      Token t = next();
      if (t.kind() != kind) {
        throw error("expected " + what + " but found " + t);
      }
      return t;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException(message + " in: " + query);
    }

    private static int precedence(Token t) {
      if (t.kind() == Kind.IDENT) {
        switch (t.text().toLowerCase(Locale.ROOT)) {
          case "or": return 1;
          case "and": case "unless": return 2;
          case "atan2": return 5;
          default: return -1;
        }
      }
      if (t.kind() != Kind.OP) {
        return -1;
      }
      switch (t.text()) {
        case "==": case "!=": case "<": case "<=": case ">": case ">=": return 3;
        case "+": case "-": return 4;
        case "*": case "/": case "%": return 5;
        case "^": return 6;
        default: return -1;
      }
    }

    Node expression(int minPrecedence) {
      Node lhs = unary();
      while (true) {
        Token op = peek();
        int prec = precedence(op);
        if (prec < 0 || prec < minPrecedence) {
          return lhs;
        }
        next();
        String opText = op.kind() == Kind.IDENT ? op.text().toLowerCase(Locale.ROOT) : op.text();
        boolean returnBool = false;
        if (atKeyword("bool")) {
          if (!COMPARISONS.contains(opText)) {
            throw error("bool modifier on non-comparison " + opText);
          }
          next();
          returnBool = true;
        }
        String matching = null;
        List<String> matchingLabels = List.of();
        if (atKeyword("on") || atKeyword("ignoring")) {
          matching = next().text().toLowerCase(Locale.ROOT);
          matchingLabels = labelList();
        }
        String group = null;
        List<String> include = List.of();
        if (atKeyword("group_left") || atKeyword("group_right")) {
          group = next().text().toLowerCase(Locale.ROOT);
          if (peek().kind() == Kind.LPAREN) {
            include = labelList();
          }
        }
        // ^ is right-associative; everything else left-associative.
        Node rhs = expression(opText.equals("^") ? prec : prec + 1);
        lhs = new Binary(opText, lhs, rhs, returnBool, matching, matchingLabels, group, include);
      }
    }

    private Node unary() {
      Token t = peek();
      if (t.kind() == Kind.OP && (t.text().equals("-") || t.text().equals("+"))) {
        next();
        return new Unary(t.text(), expression(6));
      }
      return postfix(primary());
    }

    private Node postfix(Node n) {
      while (true) {
        if (peek().kind() == Kind.LBRACKET) {
          next();
          String range = expect(Kind.DURATION, "a range duration").text();
          if (peek().kind() == Kind.COLON) {
            next();
            String step = peek().kind() == Kind.DURATION ? next().text() : null;
            expect(Kind.RBRACKET, "]");
            n = new Subquery(n, range, step);
          } else {
            expect(Kind.RBRACKET, "]");
            if (!(n instanceof Selector) || ((Selector) n).range != null) {
              throw error("a range [" + range + "] applies only to an instant vector selector");
            }
            ((Selector) n).range = range;
          }
        } else if (atKeyword("offset")) {
          next();
          boolean negative = false;
          if (peek().kind() == Kind.OP && peek().text().equals("-")) {
            next();
            negative = true;
          }
          String d = expect(Kind.DURATION, "an offset duration").text();
          if (n instanceof Selector) {
            ((Selector) n).offset = (negative ? "-" : "") + d;
          }
        } else if (peek().kind() == Kind.AT) {
          next();
          Token t = next();
          if (t.kind() == Kind.IDENT) {
            expect(Kind.LPAREN, "(");
            expect(Kind.RPAREN, ")");
          }
        } else {
          return n;
        }
      }
    }

    private Node primary() {
      Token t = next();
      switch (t.kind()) {
        case NUMBER:
          return new NumberLiteral(parseNumber(t.text()));
        case DURATION:
          throw error("unexpected duration " + t.text());
        case STRING:
          return new StringLiteral(t.text());
        case LPAREN: {
          Node inner = expression(0);
          expect(Kind.RPAREN, ")");
          return new Paren(inner);
        }
        case LBRACE:
          p--;
          return new Selector(null, matchers());
        case IDENT: {
          String word = t.text();
          String lower = word.toLowerCase(Locale.ROOT);
          if ((lower.equals("inf") || lower.equals("nan")) && peek().kind() != Kind.LBRACE
              && peek().kind() != Kind.LPAREN) {
            return new NumberLiteral(lower.equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN);
          }
          if (AGGREGATIONS.contains(lower)
              && (peek().kind() == Kind.LPAREN || atKeyword("by") || atKeyword("without"))) {
            return aggregation(lower);
          }
          if (peek().kind() == Kind.LPAREN) {
            next();
            List<Node> args = new ArrayList<>();
            if (peek().kind() != Kind.RPAREN) {
              do {
                args.add(expression(0));
              } while (peek().kind() == Kind.COMMA && next() != null);
            }
            expect(Kind.RPAREN, ")");
            return new Call(word, args);
          }
          List<Matcher> ms = peek().kind() == Kind.LBRACE ? matchers() : new ArrayList<>();
          return new Selector(word, ms);
        }
        default:
          throw error("unexpected " + t);
      }
    }

    private Node aggregation(String op) {
      List<String> grouping = List.of();
      boolean without = false;
      boolean grouped = false;
      if (atKeyword("by") || atKeyword("without")) {
        without = next().text().equalsIgnoreCase("without");
        grouping = labelList();
        grouped = true;
      }
      expect(Kind.LPAREN, "(");
      Node first = expression(0);
      Node param = null;
      Node expr = first;
      if (peek().kind() == Kind.COMMA) {
        next();
        param = first;
        expr = expression(0);
      }
      expect(Kind.RPAREN, ")");
      if (!grouped && (atKeyword("by") || atKeyword("without"))) {
        without = next().text().equalsIgnoreCase("without");
        grouping = labelList();
        grouped = true;
      }
      return new Aggregation(op, grouping, without, grouped, param, expr);
    }

    private List<String> labelList() {
      expect(Kind.LPAREN, "(");
      List<String> labels = new ArrayList<>();
      while (peek().kind() != Kind.RPAREN) {
        labels.add(expect(Kind.IDENT, "a label name").text());
        if (peek().kind() == Kind.COMMA) {
          next();
        }
      }
      next();
      return labels;
    }

    private List<Matcher> matchers() {
      expect(Kind.LBRACE, "{");
      List<Matcher> ms = new ArrayList<>();
      while (peek().kind() != Kind.RBRACE) {
        String label = expect(Kind.IDENT, "a label name").text();
        Token op = next();
        if (op.kind() != Kind.OP || !List.of("=", "!=", "=~", "!~").contains(op.text())) {
          throw error("expected a matcher operator after " + label + " but found " + op);
        }
        String value = expect(Kind.STRING, "a quoted label value").text();
        ms.add(new Matcher(label, op.text(), value));
        if (peek().kind() == Kind.COMMA) {
          next();
        } else if (peek().kind() != Kind.RBRACE) {
          throw error("expected , or } after matcher " + label);
        }
      }
      next();
      return ms;
    }

    private double parseNumber(String text) {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        return Long.parseLong(text.substring(2), 16);
      }
      return Double.parseDouble(text);
    }
  }
}
