package com.englog.observability.servlet;

import com.englog.observability.health.HealthRegistry;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.Tracing;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application classes a {@code web.xml} names in {@link WebXmlRegistrationTest}: a listener storing the
 * collaborators under the {@link ContextAttributes} convention, and a servlet. Public, with public no-arg
 * constructors, as a container needs them.
 */
public final class WebXmlApp {

  static volatile EnglogMetrics metrics;
  static volatile Tracing tracing;
  static volatile HealthRegistry health;

  private WebXmlApp() {}

  /** The {@code <listener>}: runs before the container initialises filters and servlets. */
  public static final class Setup implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
      // docs:start listener
      ServletContext ctx = event.getServletContext();
      ctx.setAttribute(ContextAttributes.METRICS, metrics);          // an EnglogMetrics
      ctx.setAttribute(ContextAttributes.TRACING, tracing);          // a Tracing
      ctx.setAttribute(HealthServlet.REGISTRY_ATTRIBUTE, health);    // a HealthRegistry
      // docs:end listener
    }
  }

  /** The application's one page. */
  public static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.getWriter().print("hello");
    }
  }
}
