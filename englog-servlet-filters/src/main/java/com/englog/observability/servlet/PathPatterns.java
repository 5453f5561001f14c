package com.englog.observability.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Paths matched without a regular expression or an allocation per request: each pattern is an exact
 * path ({@code /metrics}) or a prefix ending in {@code *} ({@code /health*} matches {@code /health},
 * {@code /health/live}, {@code /healthz}). Matched against the request's path inside its context,
 * {@code servletPath + pathInfo}, which the container has decoded and normalised.
 */
final class PathPatterns {

  static final PathPatterns NONE = new PathPatterns(List.of());

  private final String[] exact;
  private final String[] prefixes;

  private PathPatterns(List<String> patterns) {
    List<String> e = new ArrayList<>();
    List<String> p = new ArrayList<>();
    for (String raw : patterns) {
      String pattern = Objects.requireNonNull(raw, "pattern").strip();
      if (pattern.isEmpty()) {
        continue;
      }
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("path pattern " + pattern + " must start with /");
      }
      int star = pattern.indexOf('*');
      if (star >= 0 && star != pattern.length() - 1) {
        throw new IllegalArgumentException("path pattern " + pattern
            + " may only end with * (a prefix); no other wildcard is supported");
      }
      if (star >= 0) {
        p.add(pattern.substring(0, star));
      } else {
        e.add(pattern);
      }
    }
    this.exact = e.toArray(new String[0]);
    this.prefixes = p.toArray(new String[0]);
  }

  static PathPatterns of(List<String> patterns) {
    return patterns.isEmpty() ? NONE : new PathPatterns(patterns);
  }

  /** Parses a comma-separated list (an init parameter). */
  static List<String> split(String commaSeparated) {
    List<String> out = new ArrayList<>();
    for (String s : commaSeparated.split(",")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  boolean isEmpty() {
    return exact.length == 0 && prefixes.length == 0;
  }

  /** Whether {@code servletPath + pathInfo} (pathInfo may be null) matches a pattern. */
  boolean matches(String servletPath, String pathInfo) {
    if (exact.length == 0 && prefixes.length == 0) {
      return false;
    }
    String a = servletPath == null ? "" : servletPath;
    String b = pathInfo == null ? "" : pathInfo;
    int length = a.length() + b.length();
    for (String e : exact) {
      if (e.length() == length && startsWith(a, b, e)) {
        return true;
      }
    }
    for (String p : prefixes) {
      if (p.length() <= length && startsWith(a, b, p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the concatenation {@code a + b} starts with {@code prefix}, without concatenating. */
  private static boolean startsWith(String a, String b, String prefix) {
    int inA = Math.min(a.length(), prefix.length());
    if (!a.regionMatches(0, prefix, 0, inA)) {
      return false;
    }
    int rest = prefix.length() - inA;
    return rest == 0 || b.regionMatches(0, prefix, inA, rest);
  }
}
