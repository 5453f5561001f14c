package com.englog.observability.servlet;

import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.TracingExecutors;
import io.opentelemetry.api.trace.Span;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.WriteListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The application the behaviour suite serves: the filter first (mapped for every dispatcher type, so the
 * suite proves the filter itself ignores forwards, includes and error pages), a security filter after it,
 * and servlets covering every kind of mapping, forward/include/error dispatch, async, exceptions and logs.
 */
final class App {

  static final Logger LOG = LoggerFactory.getLogger("suite");
  /** Work handed off by servlets, wrapped so it keeps the request's trace. */
  static final ExecutorService POOL = TracingExecutors.wrap(Executors.newFixedThreadPool(2));
  static final String USER = "alice";
  static final String PSEUDONYM_KEY = "suite-pseudonym-key";
  /** The body length {@code /sized} declares in its {@code Content-Length}. */
  static final int SIZED_BYTES = 700;

  private App() {}

  static RouteResolver resolver() {
    return request -> request.getRequestURI().startsWith("/resolved/") ? "/resolved/{id}" : null;
  }

  static RequestDetails details() {
    return new RequestDetails() {
      @Override
      public String userId(HttpServletRequest request) {
        return request.getHeader("X-Test-User");
      }

      @Override
      public String sessionId(HttpServletRequest request) {
        return request.getHeader("X-Test-Session");
      }

      @Override
      public String authMethod(HttpServletRequest request, HttpServletResponse response) {
        return "jwt";
      }

      @Override
      public AuthFailureReason authFailureReason(HttpServletRequest request, HttpServletResponse response) {
        return AuthFailureReason.EXPIRED_TOKEN;
      }
    };
  }

  static ServletContainer.Options options() {
    return ServletContainer.Options.defaults().withErrorPage(503, "/error-page");
  }

  static ServletContainer.Running start(ServletContainer.Kind kind, ServletContainer.Options options,
      EnglogMetrics metrics, UnaryOperator<ObservabilityFilter.Builder> config) throws Exception {
    ObservabilityFilter filter = config.apply(ObservabilityFilter.builder().metrics(metrics)
        .tracing(Harness.TRACING).routeResolver(resolver()).requestDetails(details())
        .userPseudonymKey(com.englog.observability.common.Secret.of(PSEUDONYM_KEY))).build();
    return kind.start(options, ctx -> install(ctx, filter));
  }

  static void install(ServletContext ctx, Filter filter) {
    FilterRegistration.Dynamic f = ctx.addFilter("englog", filter);
    f.setAsyncSupported(true);
    f.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    FilterRegistration.Dynamic guard = ctx.addFilter("guard", (Filter) (req, res, chain) -> {
      String uri = ((HttpServletRequest) req).getRequestURI();
      HttpServletResponse r = (HttpServletResponse) res;
      if (uri.endsWith("/401") || uri.equals("/exact-secure")) {
        r.sendError(401);
      } else if (uri.endsWith("/403")) {
        r.sendError(403);
      } else if (uri.endsWith("/429")) {
        r.sendError(429);
      } else {
        chain.doFilter(req, res);
      }
    });
    guard.setAsyncSupported(true);
    guard.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/secure/*", "/exact-secure");

    add(ctx, "default", new Scripted((req, resp) -> {
      String uri = req.getRequestURI();
      if (uri.startsWith("/nothing")) {
        resp.sendError(404);
      } else if (uri.startsWith("/moved")) {
        redirect(resp);
      } else {
        resp.getWriter().print("default");
      }
    }), "/");
    add(ctx, "exact", Scripted.text("exact"), "/exact", "/exact-secure");
    add(ctx, "items", Scripted.text("item"), "/api/items/*");
    add(ctx, "resolved", Scripted.text("resolved"), "/resolved/*");
    add(ctx, "attr", new Scripted((req, resp) -> {
      req.setAttribute(ObservabilityFilter.ROUTE_ATTRIBUTE, "/attr/{name}");
      resp.getWriter().print("attr");
    }), "/attr/*");
    add(ctx, "ext", Scripted.text("ext"), "*.do");
    add(ctx, "missing", new Scripted((req, resp) -> resp.sendError(404)), "/gone/*");
    add(ctx, "redirect", new Scripted((req, resp) -> redirect(resp)), "/redirect/*");
    add(ctx, "upgrade", new Scripted((req, resp) -> resp.setStatus(101)), "/ws/*");
    add(ctx, "socket", new Scripted((req, resp) -> {
      // A real upgrade from inside the filter chain, as a framework's WebSocket handler does it.
      ServerContainer container = (ServerContainer) req.getServletContext()
          .getAttribute(ServerContainer.class.getName());
      try {
        container.upgradeHttpToWebSocket(req, resp,
            ServerEndpointConfig.Builder.create(EchoEndpoint.class, "/socket").build(), Map.of());
      } catch (DeploymentException e) {
        throw new IOException(e);
      }
    }), "/socket");
    add(ctx, "forward", new Scripted((req, resp) -> req.getRequestDispatcher("/exact").forward(req, resp)),
        "/forward");
    add(ctx, "include", new Scripted((req, resp) -> {
      resp.getWriter().print("before ");
      req.getRequestDispatcher("/exact").include(req, resp);
    }), "/include");
    add(ctx, "unavailable", new Scripted((req, resp) -> resp.sendError(503)), "/unavailable");
    add(ctx, "error-page", Scripted.text("error page"), "/error-page");
    add(ctx, "busy", new Scripted((req, resp) -> {
      resp.setStatus(503); // a plain answer: no exception, no sendError, no error page
      resp.getWriter().print("busy");
    }), "/busy");
    add(ctx, "sized", new Scripted((req, resp) -> {
      byte[] body = "s".repeat(SIZED_BYTES).getBytes(StandardCharsets.US_ASCII);
      resp.setContentType("text/plain");
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
    }), "/sized");
    add(ctx, "throw", new Scripted((req, resp) -> {
      throw new IllegalStateException("application failure");
    }), "/throw");
    add(ctx, "metrics", Scripted.text("# scrape"), "/metrics");
    add(ctx, "health", mdcReport(), "/health/*");
    add(ctx, "mdc", mdcReport(), "/mdc");
    add(ctx, "log", new Scripted((req, resp) -> {
      LOG.info("servlet line");
      try {
        POOL.submit(() -> LOG.info("pool line")).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException(e);
      }
      resp.getWriter().print(MDC.get(com.englog.observability.logging.LogFields.MDC_CORRELATION_ID));
    }), "/log");
    add(ctx, "bytes", new Scripted((req, resp) -> {
      resp.setContentType("text/plain;charset=UTF-8");
      resp.getWriter().print("é".repeat(500)); // 1,000 bytes in UTF-8
    }), "/bytes");
    add(ctx, "nonblocking", new Scripted(App::nonBlocking), "/nonblocking");
    add(ctx, "stream", new Scripted((req, resp) -> stream(resp.getOutputStream())), "/stream");
    add(ctx, "print", new Scripted((req, resp) -> {
      resp.setContentType("text/plain;charset=UTF-8");
      resp.getOutputStream().print(PRINTED); // each container encodes (or refuses) it in its own way
    }), "/print", "/health/print");
    add(ctx, "stream-caught", new Scripted((req, resp) -> {
      try {
        stream(resp.getOutputStream());
      } catch (IOException e) {
        // the client went away: the servlet ends normally, as many do
      }
    }), "/stream-caught");
    add(ctx, "async-stream", new Scripted((req, resp) -> {
      AsyncContext async = req.startAsync();
      async.setTimeout(30_000);
      async.start(() -> {
        try {
          stream(async.getResponse().getOutputStream());
        } catch (IOException e) {
          // the client went away: nothing more to write, the request ends here as an application would end it
        } finally {
          async.complete();
        }
      });
    }), "/async/stream");
    add(ctx, "async-complete", new Scripted((req, resp) -> {
      AsyncContext async = req.startAsync();
      async.start(() -> {
        try {
          Thread.sleep(60);
          LOG.info("async line");
          async.getResponse().getWriter().print("async " + Span.current().getSpanContext().getTraceId());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        async.complete();
      });
    }), "/async/complete");
    add(ctx, "async-timeout", new Scripted((req, resp) -> {
      AsyncContext async = req.startAsync();
      async.setTimeout(150);
    }), "/async/timeout");
    add(ctx, "async-listener", new Scripted((req, resp) -> {
      AsyncContext async = req.startAsync();
      async.setTimeout(100);
      async.addListener(new jakarta.servlet.AsyncListener() {
        @Override
        public void onComplete(jakarta.servlet.AsyncEvent event) {}

        @Override
        public void onTimeout(jakarta.servlet.AsyncEvent event) throws IOException {
          LOG.info("listener line");
          ((HttpServletResponse) event.getAsyncContext().getResponse()).setStatus(504);
          event.getAsyncContext().complete();
        }

        @Override
        public void onError(jakarta.servlet.AsyncEvent event) {}

        @Override
        public void onStartAsync(jakarta.servlet.AsyncEvent event) {}
      });
    }), "/async/listener");
    add(ctx, "async-dispatch-error", new Scripted((req, resp) -> {
      if (req.getDispatcherType() == DispatcherType.ASYNC) {
        throw new IllegalStateException("failure in the async dispatch");
      }
      AsyncContext async = req.startAsync();
      async.start(async::dispatch);
    }), "/async/dispatch-error");
  }

  /**
   * A 302 to {@code /exact}, written by hand: on this test classpath the Servlet 6.0 API's abstract
   * {@code sendRedirect(String)} shadows the 6.1 default method Tomcat 11 relies on.
   */
  private static void redirect(HttpServletResponse resp) {
    resp.setStatus(302);
    resp.setHeader("Location", "/exact");
  }

  private static void add(ServletContext ctx, String name, Scripted servlet, String... patterns) {
    ServletRegistration.Dynamic r = ctx.addServlet(name, servlet);
    r.setAsyncSupported(true);
    r.addMapping(patterns);
  }

  /** What {@code /print} prints through {@code ServletOutputStream.print}: two bytes and three in UTF-8. */
  static final String PRINTED = "\u00e9\u20ac";

  /** Writes 64 KB chunks for up to 20 s; throws once the client has gone away. */
  private static void stream(ServletOutputStream out) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      out.write(chunk);
      out.flush();
    }
  }

  /** Answers with the MDC and the current span as the request's thread sees them. */
  private static Scripted mdcReport() {
    return new Scripted((req, resp) -> {
      Map<String, String> mdc = MDC.getCopyOfContextMap();
      resp.getWriter().print("mdc=" + (mdc == null ? "{}" : mdc) + " span="
          + Span.current().getSpanContext().isValid() + " virtual=" + ServletContainer.onVirtualThread()
          + " thread=" + Thread.currentThread().getName());
    });
  }

  private static void nonBlocking(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    AsyncContext async = req.startAsync();
    ServletOutputStream out = resp.getOutputStream();
    byte[] body = "x".repeat(300).getBytes(StandardCharsets.US_ASCII);
    out.setWriteListener(new WriteListener() {
      private boolean written;

      @Override
      public void onWritePossible() throws IOException {
        while (out.isReady()) {
          if (written) {
            async.complete();
            return;
          }
          out.write(body);
          written = true;
        }
      }

      @Override
      public void onError(Throwable t) {
        async.complete();
      }
    });
  }
}
