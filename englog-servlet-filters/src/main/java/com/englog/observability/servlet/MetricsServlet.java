package com.englog.observability.servlet;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.metrics.ScrapeRequest;
import com.englog.observability.metrics.ScrapeResponse;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code /metrics} on a servlet container: a thin adapter over englog-metrics' {@link
 * ScrapeEndpoint}, so it answers exactly as {@code MetricsHttpServer} does — Prometheus text or
 * OpenMetrics (with exemplars) by {@code Accept}, gzip when accepted, 405 with {@code Allow} for
 * methods other than {@code GET} and {@code HEAD}, a bearer token unless anonymous access is chosen,
 * {@code Vary} and {@code Cache-Control: no-store}.
 *
 * <p>In code, hand it the endpoint:
 *
 * <pre>{@code
 * ScrapeEndpoint endpoint = ScrapeEndpoint.builder(metrics.scrapeHandler())
 *     .bearerTokenFile(Path.of("/run/secrets/metrics-token"))
 *     .build();
 * servletContext.addServlet("metrics", new MetricsServlet(endpoint)).addMapping("/metrics");
 * }</pre>
 *
 * <p>From {@code web.xml} (or {@code addServlet(name, MetricsServlet.class)}) the no-arg constructor
 * is used, and {@link #init()} builds the endpoint: the metrics are the {@link EnglogMetrics} in the
 * context attribute {@value #METRICS_ATTRIBUTE}, failing that the application's {@code Metrics}
 * default instance; the token comes from the init parameters {@value #TOKEN_FILE_PARAMETER} (a file,
 * re-read when it changes) or {@value #TOKEN_ENV_PARAMETER} (an environment variable's name), and
 * {@value #ANONYMOUS_PARAMETER}{@code =true} serves anyone. The system property {@code
 * englog.metrics.token-file} and the environment variable {@code ENGLOG_METRICS_TOKEN_FILE} win over
 * the parameters, as for every EngLog metrics endpoint. With neither a token source nor {@code
 * anonymous=true}, {@code init()} fails and the container marks the servlet unavailable:
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>metrics</servlet-name>
 *   <servlet-class>com.englog.observability.servlet.MetricsServlet</servlet-class>
 *   <init-param>
 *     <param-name>token-file</param-name>
 *     <param-value>/run/secrets/metrics-token</param-value>
 *   </init-param>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>metrics</servlet-name>
 *   <url-pattern>/metrics</url-pattern>
 * </servlet-mapping>
 * }</pre>
 *
 * <p>The servlet answers every request mapped to it the same way, whatever the path below its
 * mapping; map it to an exact path.
 */
public final class MetricsServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /**
   * The {@code ServletContext} attribute a no-arg {@code MetricsServlet} takes its {@link
   * EnglogMetrics} from: the class name of {@code EnglogMetrics}.
   */
  public static final String METRICS_ATTRIBUTE = "com.englog.observability.metrics.EnglogMetrics";
  /** Init parameter: the file holding the bearer token, re-read when it changes. */
  public static final String TOKEN_FILE_PARAMETER = "token-file";
  /** Init parameter: the environment variable holding the bearer token, read at {@code init()}. */
  public static final String TOKEN_ENV_PARAMETER = "token-env";
  /** Init parameter: {@code true} serves metrics without a token; {@code false} is the default. */
  public static final String ANONYMOUS_PARAMETER = "anonymous";

  /** Given to the constructor, or built by {@link #init()}; never serialized with the servlet. */
  private transient volatile @Nullable ScrapeEndpoint endpoint;

  /** For {@code web.xml} and {@code addServlet(name, MetricsServlet.class)}: {@link #init()} builds the endpoint. */
  public MetricsServlet() {}

  /** Serves {@code endpoint}; the init parameters and the context attribute are not read. */
  public MetricsServlet(ScrapeEndpoint endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /**
   * Builds the endpoint of a no-arg servlet from the context attribute and the init parameters.
   *
   * @throws ServletException when no token source is configured and {@value #ANONYMOUS_PARAMETER} is
   *     not {@code true}, when {@value #ANONYMOUS_PARAMETER} is neither {@code true} nor {@code false},
   *     or when the context attribute holds something other than an {@code EnglogMetrics}
   */
  @Override
  public void init() throws ServletException {
    if (endpoint != null) {
      return;
    }
    String name = getServletName();
    ScrapeEndpoint.Builder builder;
    try {
      builder = ScrapeEndpoint.builder(metrics(name).scrapeHandler());
    } catch (IllegalStateException e) {
      throw new ServletException("servlet " + name + ": " + e.getMessage(), e);
    }
    String file = parameter(TOKEN_FILE_PARAMETER);
    if (file != null) {
      builder.bearerTokenFile(Path.of(file));
    }
    String env = parameter(TOKEN_ENV_PARAMETER);
    if (env != null) {
      builder.bearerTokenEnv(env);
    }
    if (anonymous(name)) {
      builder.allowAnonymous();
    }
    try {
      endpoint = builder.build();
    } catch (IllegalStateException e) {
      // No cause: containers log a ServletException's root cause, and this message is the one that
      // speaks of init parameters.
      throw new ServletException("servlet " + name + " (" + MetricsServlet.class.getName() + ") needs a "
          + "bearer token or an explicit choice of anonymous access: set the init parameter "
          + TOKEN_FILE_PARAMETER + " (a file holding the token) or " + TOKEN_ENV_PARAMETER + " (the name of "
          + "an environment variable holding it), the system property " + ScrapeEndpoint.TOKEN_FILE_PROPERTY
          + " or the environment variable " + ScrapeEndpoint.TOKEN_FILE_ENV + " (a token file), or the init "
          + "parameter " + ANONYMOUS_PARAMETER + "=true to serve metrics to anyone who can reach it");
    }
  }

  private EnglogMetrics metrics(String name) throws ServletException {
    Object attribute = getServletContext().getAttribute(METRICS_ATTRIBUTE);
    if (attribute == null) {
      return FacadeDefaults.metrics();
    }
    if (!(attribute instanceof EnglogMetrics)) {
      throw new ServletException("servlet " + name + ": the context attribute " + METRICS_ATTRIBUTE
          + " must hold an " + EnglogMetrics.class.getName() + ", not a " + attribute.getClass().getName());
    }
    return (EnglogMetrics) attribute;
  }

  private boolean anonymous(String name) throws ServletException {
    String value = parameter(ANONYMOUS_PARAMETER);
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new ServletException("servlet " + name + ": init parameter " + ANONYMOUS_PARAMETER
        + " must be true or false, was \"" + value + "\"");
  }

  private @Nullable String parameter(String name) {
    String value = getInitParameter(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Answers every method through the endpoint, so 405 and {@code Allow} are the endpoint's. */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ScrapeEndpoint e = endpoint;
    if (e == null) {
      // Only a container that skipped init() gets here.
      response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      return;
    }
    ScrapeResponse r = e.handle(new Request(request));
    response.setStatus(r.statusCode());
    response.setContentType(r.contentType());
    for (Map.Entry<String, String> header : r.headers().entrySet()) {
      response.setHeader(header.getKey(), header.getValue());
    }
    response.setContentLength(r.contentLength());
    if (!"HEAD".equals(request.getMethod())) {
      r.writeBody(response.getOutputStream());
    }
  }

  @Override
  public String toString() {
    ScrapeEndpoint e = endpoint;
    return "MetricsServlet{" + (e == null ? "not initialised" : e.toString()) + "}";
  }

  /** The servlet request as the endpoint sees it. */
  private static final class Request implements ScrapeRequest {
    private final HttpServletRequest request;

    Request(HttpServletRequest request) {
      this.request = request;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public @Nullable String header(String name) {
      Enumeration<String> values = request.getHeaders(name);
      if (values == null || !values.hasMoreElements()) {
        return null;
      }
      String first = values.nextElement();
      if (!values.hasMoreElements()) {
        return first;
      }
      StringBuilder joined = new StringBuilder(first);
      while (values.hasMoreElements()) {
        joined.append(',').append(values.nextElement());
      }
      return joined.toString();
    }
  }
}
