package com.englog.observability.servlet;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.LabelValues;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code endpoint} of a finished request, in this order: {@link LabelValues#WEBSOCKET} for a 101
 * answer; {@link LabelValues#UNKNOWN_METHOD} for a method outside {@link EnglogMetrics#HTTP_METHODS};
 * the {@link RouteResolver}'s template; the {@link ObservabilityFilter#ROUTE_ATTRIBUTE} request
 * attribute; the servlet mapping's pattern for {@code EXACT} and {@code PATH} mappings (never the match
 * value, which is the raw path); and otherwise a bucket by status: {@link LabelValues#NOT_FOUND} (404),
 * {@link LabelValues#REDIRECTION} (3xx), {@link LabelValues#REJECTED} (401, 403) and
 * {@link LabelValues#UNMATCHED} (default-servlet and extension mappings).
 */
final class Routes {

  private static final Set<String> KNOWN_METHODS = knownMethods();

  private final @Nullable RouteResolver resolver;
  private final String attribute;

  Routes(@Nullable RouteResolver resolver, String attribute) {
    this.resolver = resolver;
    this.attribute = attribute;
  }

  private static Set<String> knownMethods() {
    Set<String> s = new HashSet<>(EnglogMetrics.HTTP_METHODS);
    s.remove("OTHER");
    return Set.copyOf(s);
  }

  static boolean isKnownMethod(String method) {
    return method != null && KNOWN_METHODS.contains(method);
  }

  /** The route template a framework or the mapping named, or null: for the span's {@code http.route}. */
  @Nullable String template(HttpServletRequest request) {
    if (resolver != null) {
      try {
        String r = resolver.route(request);
        if (r != null && !r.isEmpty()) {
          return r;
        }
      } catch (RuntimeException e) {
        // a broken resolver must not fail the request; fall back to what the container knows
      }
    }
    Object a = request.getAttribute(attribute);
    if (a instanceof String && !((String) a).isEmpty()) {
      return (String) a;
    }
    HttpServletMapping mapping = request.getHttpServletMapping();
    if (mapping != null) {
      MappingMatch match = mapping.getMappingMatch();
      if (match == MappingMatch.EXACT || match == MappingMatch.PATH) {
        String pattern = mapping.getPattern();
        if (pattern != null && !pattern.isEmpty()) {
          return pattern;
        }
      }
    }
    return null;
  }

  /** The endpoint label: {@code template} when there is one, else the bucket for the answer. */
  static String endpoint(String method, int status, @Nullable String template) {
    if (status == 101) {
      return LabelValues.WEBSOCKET;
    }
    if (!isKnownMethod(method)) {
      return LabelValues.UNKNOWN_METHOD;
    }
    if (template != null) {
      return template;
    }
    if (status == 404) {
      return LabelValues.NOT_FOUND;
    }
    if (status >= 300 && status < 400) {
      return LabelValues.REDIRECTION;
    }
    if (status == 401 || status == 403) {
      return LabelValues.REJECTED;
    }
    return LabelValues.UNMATCHED;
  }
}
