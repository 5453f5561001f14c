package com.englog.observability.servlet;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.Tracing;

/**
 * Names of the {@link jakarta.servlet.ServletContext} attributes through which instances created by the
 * container (from {@code web.xml} or with a no-arg constructor) find their collaborators. Set them before
 * the container initialises filters and servlets, e.g. in a {@code ServletContextListener}. A collaborator
 * missing here is taken from the application's facade ({@code Metrics.get()}, {@code Traces.get()}).
 *
 * <pre>{@code
 * public final class ObservabilitySetup implements ServletContextListener {
 *   public void contextInitialized(ServletContextEvent event) {
 *     ServletContext ctx = event.getServletContext();
 *     ctx.setAttribute(ContextAttributes.METRICS, metrics);           // an EnglogMetrics
 *     ctx.setAttribute(ContextAttributes.TRACING, tracing);           // a Tracing
 *     ctx.setAttribute(ContextAttributes.ROUTE_RESOLVER, resolver);   // optional
 *     ctx.setAttribute(ContextAttributes.REQUEST_DETAILS, details);   // optional
 *   }
 * }
 * }</pre>
 */
public final class ContextAttributes {

  /** An {@link EnglogMetrics}: value {@code com.englog.observability.metrics.EnglogMetrics}. */
  public static final String METRICS = EnglogMetrics.class.getName();
  /** A {@link Tracing}: value {@code com.englog.observability.tracing.Tracing}. */
  public static final String TRACING = Tracing.class.getName();
  /** A {@link RouteResolver}: value {@code com.englog.observability.servlet.RouteResolver}. */
  public static final String ROUTE_RESOLVER = RouteResolver.class.getName();
  /** A {@link RequestDetails}: value {@code com.englog.observability.servlet.RequestDetails}. */
  public static final String REQUEST_DETAILS = RequestDetails.class.getName();

  private ContextAttributes() {}
}
