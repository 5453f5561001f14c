package com.englog.observability.servlet;

import com.englog.observability.health.HealthAccess;
import com.englog.observability.health.HealthHandler;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HealthRequest;
import com.englog.observability.health.HealthResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health endpoint as a servlet: the paths, groups, status codes, HEAD answers and details
 * protection of {@link HealthHandler}, answered asynchronously, so no container thread waits for a
 * check. Map it to {@code /health/*} (and {@code /health}); the path below the mapping is routed
 * onto the handler's paths, so {@code /internal/health/*} serves {@code /internal/health/ready} too.
 *
 * <p><b>{@code asyncSupported} must be set</b> on the registration (and on every filter in front of
 * it): a readiness probe then holds no container thread while its checks run, and is completed from
 * the health engine when they have results, at their deadline at the latest. {@link #register} sets
 * it; in {@code web.xml} write {@code <async-supported>true</async-supported>}. Without it the servlet
 * still answers, but each probe that has to wait holds its container thread for up to the checks'
 * deadline (logged once as a WARN).
 *
 * <pre>{@code
 * // programmatic, in a ServletContainerInitializer or ServletContextListener
 * HealthServlet.register(servletContext, new HealthServlet(registry));
 * }</pre>
 *
 * <pre>{@code
 * <!-- web.xml; a ServletContextListener of the service stores the registry first:
 *      servletContext.setAttribute(HealthServlet.REGISTRY_ATTRIBUTE, registry) -->
 * <servlet>
 *   <servlet-name>health</servlet-name>
 *   <servlet-class>com.englog.observability.servlet.HealthServlet</servlet-class>
 *   <async-supported>true</async-supported>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>health</servlet-name>
 *   <url-pattern>/health/*</url-pattern>
 * </servlet-mapping>
 * }</pre>
 *
 * <p>Made with the no-arg constructor, the servlet finds at {@code init()}, in this order: a
 * {@link HealthHandler} in the {@code ServletContext} attribute {@value #HANDLER_ATTRIBUTE} (served as
 * it is); a {@link HealthRegistry} in the attribute named by the init parameter {@value
 * #REGISTRY_ATTRIBUTE_PARAMETER}, else in {@value #REGISTRY_ATTRIBUTE}. Health has no facade to fall
 * back to: without either, {@code init()} fails naming the attributes.
 *
 * <p>Details are shown as {@link HealthAccess#fromConfiguration} decides, exactly as for {@code
 * HealthHttpServer}: {@code englog.health.details} / {@code ENGLOG_HEALTH_DETAILS} ({@code never},
 * {@code always}, {@code token}) and the token from {@code englog.health.token-file} / {@code
 * ENGLOG_HEALTH_TOKEN_FILE} or the variable {@code ENGLOG_HEALTH_TOKEN}. Init parameters of those two
 * property names take precedence over the system properties (the token itself never comes from an
 * init parameter: {@code web.xml} is no place for a secret). A {@link HealthHandler} given to the
 * constructor or in the attribute keeps the access it was built with.
 */
public class HealthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** {@code ServletContext} attribute holding the {@link HealthRegistry} to serve. */
  public static final String REGISTRY_ATTRIBUTE = "com.englog.observability.health.HealthRegistry";
  /** {@code ServletContext} attribute holding a ready {@link HealthHandler}; wins over a registry. */
  public static final String HANDLER_ATTRIBUTE = "com.englog.observability.health.HealthHandler";
  /** Init parameter: the name of another {@code ServletContext} attribute holding the registry. */
  public static final String REGISTRY_ATTRIBUTE_PARAMETER = "registry-attribute";
  /** The name {@link #register} gives the servlet. */
  public static final String DEFAULT_NAME = "englog-health";

  private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);
  private static final byte[] UNKNOWN = "{\"status\":\"UNKNOWN\"}".getBytes(StandardCharsets.UTF_8);
  private static final String ALLOW = "GET, HEAD";
  private static final AtomicBoolean WARNED_SYNC = new AtomicBoolean();

  private transient @Nullable HealthRegistry givenRegistry;
  private transient @Nullable HealthHandler handler;

  /** For {@code web.xml} and {@code addServlet(name, HealthServlet.class)}: finds its registry at {@code init()}. */
  public HealthServlet() {
    this.givenRegistry = null;
    this.handler = null;
  }

  /** Serves {@code handler} as it is, its access rules included. */
  public HealthServlet(HealthHandler handler) {
    this.givenRegistry = null;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Serves {@code registry}, with details shown as configured (see the class comment). */
  public HealthServlet(HealthRegistry registry) {
    this.givenRegistry = Objects.requireNonNull(registry, "registry");
    this.handler = null;
  }

  /**
   * Adds {@code servlet} to {@code context} as {@value #DEFAULT_NAME}, async-supported, mapped to
   * {@code /health/*} (which serves {@code /health} too). Call it from a {@code ServletContainerInitializer} or a
   * {@code ServletContextListener} declared in {@code web.xml}.
   *
   * @throws IllegalStateException if a servlet of that name is registered already
   */
  public static ServletRegistration.Dynamic register(ServletContext context, HealthServlet servlet) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(servlet, "servlet");
    ServletRegistration.Dynamic registration = context.addServlet(DEFAULT_NAME, servlet);
    if (registration == null) {
      throw new IllegalStateException("a servlet called \"" + DEFAULT_NAME + "\" is registered already");
    }
    registration.setAsyncSupported(true);
    registration.addMapping(HealthHandler.DEFAULT_BASE_PATH + "/*");
    return registration;
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    if (handler != null) {
      return;
    }
    ServletContext context = config.getServletContext();
    HealthRegistry registry = givenRegistry;
    if (registry == null) {
      Object h = context.getAttribute(HANDLER_ATTRIBUTE);
      if (h instanceof HealthHandler) {
        handler = (HealthHandler) h;
        return;
      }
      if (h != null) {
        throw new ServletException("HealthServlet: ServletContext attribute \"" + HANDLER_ATTRIBUTE
            + "\" must hold a " + HealthHandler.class.getName() + ", holds a " + h.getClass().getName());
      }
      String name = config.getInitParameter(REGISTRY_ATTRIBUTE_PARAMETER);
      String attribute = name == null || name.isBlank() ? REGISTRY_ATTRIBUTE : name.strip();
      Object r = context.getAttribute(attribute);
      if (r == null) {
        throw new ServletException("HealthServlet \"" + config.getServletName() + "\" has no HealthRegistry: "
            + "set the ServletContext attribute \"" + attribute + "\" to the service's HealthRegistry (or \""
            + HANDLER_ATTRIBUTE + "\" to a HealthHandler) before the servlet starts, e.g. in a "
            + "ServletContextListener, or register new HealthServlet(registry). Health has no facade to "
            + "fall back to.");
      }
      if (!(r instanceof HealthRegistry)) {
        throw new ServletException("HealthServlet: ServletContext attribute \"" + attribute + "\" must hold a "
            + HealthRegistry.class.getName() + ", holds a " + r.getClass().getName());
      }
      registry = (HealthRegistry) r;
    }
    HealthAccess access;
    try {
      Function<String, @Nullable String> properties = key -> {
        String value = config.getInitParameter(key);
        return value != null ? value : System.getProperty(key);
      };
      access = HealthAccess.fromConfiguration(properties::apply, System::getenv);
    } catch (RuntimeException e) {
      throw new ServletException("HealthServlet \"" + config.getServletName() + "\": " + e.getMessage(), e);
    }
    handler = HealthHandler.builder(registry).access(access).build();
  }

  /** The handler served; set once {@code init()} has run (or from the constructor). */
  public @Nullable HealthHandler handler() {
    return handler;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    HealthHandler h = handler;
    if (h == null) {
      throw new IllegalStateException("HealthServlet used before init()");
    }
    CompletableFuture<HealthResponse> answer;
    try {
      answer = h.handleAsync(new ServletHealthRequest(req, route(req, h))).toCompletableFuture();
    } catch (RuntimeException e) {
      LOG.warn("health: cannot answer {}: {}", req.getRequestURI(), e.toString());
      sendUnknown(req, resp);
      return;
    }
    if (answer.isDone()) {
      send(req, resp, answer);
      return;
    }
    if (!req.isAsyncSupported()) {
      if (WARNED_SYNC.compareAndSet(false, true)) {
        LOG.warn("health: the registration of servlet \"{}\" (or a filter in front of it) is not "
            + "asyncSupported: each probe that waits for a check holds a container thread until the "
            + "check's deadline. Set asyncSupported=true.", getServletName());
      }
      send(req, resp, answer);
      return;
    }
    AsyncContext async = req.startAsync();
    AtomicBoolean answered = new AtomicBoolean();
    async.addListener(new AsyncListener() {
      @Override
      public void onTimeout(AsyncEvent event) throws IOException {
        // Only if the container's async timeout is shorter than the checks' deadline.
        if (answered.compareAndSet(false, true)) {
          sendUnknown(req, resp);
          async.complete();
        }
      }

      @Override
      public void onComplete(AsyncEvent event) {}

      @Override
      public void onError(AsyncEvent event) {
        answered.set(true);
      }

      @Override
      public void onStartAsync(AsyncEvent event) {}
    });
    // Completed by the thread that ends the last check or by the deadline timer: the writing goes to
    // a container thread, so neither ever waits for a client.
    answer.whenComplete((response, error) -> {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      try {
        async.start(() -> {
          try {
            send(req, resp, answer);
          } catch (IOException | RuntimeException e) {
            LOG.debug("health: answer not delivered: {}", e.toString());
          } finally {
            async.complete();
          }
        });
      } catch (RuntimeException e) {
        LOG.warn("health: answer to {} dropped, the container took no task: {}", req.getRequestURI(),
            e.toString());
        async.complete();
      }
    });
  }

  /** The path the handler routes: what follows a path mapping, below the handler's base path. */
  private static String route(HttpServletRequest req, HealthHandler h) {
    HttpServletMapping mapping = req.getHttpServletMapping();
    String info = req.getPathInfo();
    if (mapping != null && mapping.getMappingMatch() == MappingMatch.PATH) {
      String routed = h.basePath() + (info == null ? "" : info);
      return routed.isEmpty() ? "/" : routed;
    }
    // An exact mapping (/health), or a default or extension one: the path within the application.
    String path = req.getServletPath() + (info == null ? "" : info);
    String base = h.basePath();
    if (mapping != null && mapping.getMappingMatch() == MappingMatch.EXACT
        && !path.equals(base) && !path.startsWith(base + "/")) {
      return base.isEmpty() ? "/" : base;
    }
    return path.isEmpty() ? "/" : path;
  }

  private static void send(HttpServletRequest req, HttpServletResponse resp,
      CompletableFuture<HealthResponse> answer) throws IOException {
    HealthResponse response;
    try {
      response = answer.join();
    } catch (RuntimeException e) {
      LOG.warn("health: evaluation failed: {}", e.toString());
      sendUnknown(req, resp);
      return;
    }
    resp.setStatus(response.statusCode());
    resp.setContentType(response.contentType());
    String[] headers = response.headers();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      resp.setHeader(headers[i], headers[i + 1]);
    }
    if (response.statusCode() == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
      resp.setHeader("Allow", ALLOW);
    }
    // HEAD: GET's length, no body.
    resp.setContentLength(response.contentLength());
    if (!"HEAD".equals(req.getMethod())) {
      OutputStream out = resp.getOutputStream();
      response.writeBody(out);
      out.flush();
    }
  }

  private static void sendUnknown(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    resp.setContentType(HealthResponse.CONTENT_TYPE);
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentLength(UNKNOWN.length);
    if (!"HEAD".equals(req.getMethod())) {
      resp.getOutputStream().write(UNKNOWN);
    }
  }

  @Override
  public String toString() {
    return "HealthServlet{" + (handler != null ? handler : givenRegistry != null ? "registry" : "not initialised")
        + "}";
  }

  /** A servlet request as the handler sees it, with the path it should route. Read before handleAsync returns. */
  private static final class ServletHealthRequest implements HealthRequest {
    private final HttpServletRequest request;
    private final String path;

    ServletHealthRequest(HttpServletRequest request, String path) {
      this.request = request;
      this.path = path;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public @Nullable String header(String name) {
      return request.getHeader(name);
    }

    @Override
    public @Nullable String remoteAddress() {
      return request.getRemoteAddr();
    }
  }
}
