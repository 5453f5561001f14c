package com.englog.observability.servlet;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Tells {@link ObservabilityFilter} the route template a framework matched for a request, e.g.
 * {@code /api/v1/journals/{id}}: the {@code endpoint} label of the HTTP metrics and the span's
 * {@code http.route}. Called once per request, after the rest of the chain ran, on the thread that
 * finishes the request; return null when the framework matched no route (the filter then falls back to
 * the {@link ObservabilityFilter#ROUTE_ATTRIBUTE} request attribute and the servlet mapping).
 *
 * <p>Return a template, never the raw path: every distinct value becomes a series.
 *
 * <pre>{@code
 * // A framework adapter: the framework stored its matched pattern in a request attribute of its own.
 * RouteResolver resolver = request -> (String) request.getAttribute("org.example.web.MATCHED_PATTERN");
 * ObservabilityFilter filter = ObservabilityFilter.builder().routeResolver(resolver).build();
 * }</pre>
 */
@FunctionalInterface
public interface RouteResolver {

  /** The route template of {@code request}, or null when none matched. Must not throw. */
  @Nullable String route(HttpServletRequest request);
}
