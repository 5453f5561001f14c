package com.englog.observability.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.websocket.server.WsSci;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real servlet container on a free loopback port, set up the way a service would: the test's setup runs in
 * a {@link ServletContainerInitializer}, so it may call {@code addFilter}/{@code addServlet} exactly as
 * {@code EnglogServlet.install} does in production. One behaviour suite runs against every {@link Kind}.
 * Both containers have their Jakarta WebSocket server, so a servlet can upgrade a request through the
 * {@code jakarta.websocket.server.ServerContainer} context attribute.
 *
 * <pre>{@code
 * try (ServletContainer.Running c = ServletContainer.Kind.JETTY.start(ServletContainer.Options.defaults(),
 *     ctx -> ctx.addServlet("hello", new HelloServlet()).addMapping("/hello"))) {
 *   HttpResponse<String> r = client.send(HttpRequest.newBuilder(c.uri("/hello")).build(), ofString());
 * }
 * }</pre>
 */
final class ServletContainer {

  /** Request header bytes both containers accept: room for the suite's hostile 8 KB header values. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private ServletContainer() {}

  /**
   * Container threads, virtual threads (JDK 21+), HTTP/2 cleartext on the same port, and error pages
   * (status → path inside the context, served by an ERROR dispatch).
   */
  record Options(int maxThreads, boolean virtualThreads, boolean h2c, Map<Integer, String> errorPages) {

    /** Whether {@link #defaults()} runs containers on virtual threads. */
    static final String VIRTUAL_THREADS_PROPERTY = "englog.test.virtual-threads";

    Options(int maxThreads, boolean virtualThreads, boolean h2c) {
      this(maxThreads, virtualThreads, h2c, Map.of());
    }

    /**
     * 16 container threads, HTTP/2 cleartext; on virtual threads when the system property
     * {@value #VIRTUAL_THREADS_PROPERTY} is true (the JDK 25 pass of the test command runs the whole
     * suite so once more).
     */
    static Options defaults() {
      boolean virtual = Boolean.getBoolean(VIRTUAL_THREADS_PROPERTY);
      if (virtual && !virtualThreadsAvailable()) {
        throw new IllegalStateException(VIRTUAL_THREADS_PROPERTY + " needs JDK 21+, this is "
            + Runtime.version());
      }
      return new Options(16, virtual, true);
    }

    Options withMaxThreads(int threads) {
      return new Options(threads, virtualThreads, h2c, errorPages);
    }

    Options withVirtualThreads(boolean enabled) {
      return new Options(maxThreads, enabled, h2c, errorPages);
    }

    Options withErrorPage(int status, String path) {
      Map<Integer, String> pages = new java.util.HashMap<>(errorPages);
      pages.put(status, path);
      return new Options(maxThreads, virtualThreads, h2c, Map.copyOf(pages));
    }
  }

  /** A started container; {@link #close()} stops it and frees the port. */
  interface Running extends AutoCloseable {

    Kind kind();

    int port();

    default URI uri(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    void close();
  }

  enum Kind {
    /** Eclipse Jetty 12, ee10 environment (Servlet 6.0). */
    JETTY {
      @Override
      Running start(Options options, Consumer<ServletContext> setup) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(options.maxThreads(), 4), Math.min(4,
            options.maxThreads()));
        pool.setName("jetty-test");
        ExecutorService virtual = null;
        if (options.virtualThreads()) {
          virtual = virtualExecutor();
          pool.setVirtualThreadsExecutor(virtual);
        }
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        List<org.eclipse.jetty.server.ConnectionFactory> factories = new ArrayList<>();
        factories.add(new HttpConnectionFactory(http));
        if (options.h2c()) {
          factories.add(new HTTP2CServerConnectionFactory(http));
        }
        ServerConnector connector = new ServerConnector(server, 1, 1,
            factories.toArray(org.eclipse.jetty.server.ConnectionFactory[]::new));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context, null); // the ServerContainer attribute
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> setup.accept(ctx));
        if (!options.errorPages().isEmpty()) {
          ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
          options.errorPages().forEach(errors::addErrorPage);
          context.setErrorHandler(errors);
        }
        server.setHandler(context);
        server.start();
        int port = connector.getLocalPort();
        ExecutorService toClose = virtual;
        return new Running() {
          @Override
          public Kind kind() {
            return JETTY;
          }

          @Override
          public int port() {
            return port;
          }

          @Override
          public void close() {
            try {
              server.stop();
            } catch (Exception e) {
              throw new IllegalStateException("Jetty did not stop", e);
            } finally {
              if (toClose != null) {
                toClose.shutdownNow();
              }
            }
          }
        };
      }
    },

    /** Apache Tomcat 11 embedded. */
    TOMCAT {
      @Override
      Running start(Options options, Consumer<ServletContext> setup) throws Exception {
        Path base = Files.createTempDirectory("englog-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        connector.setProperty("maxThreads", Integer.toString(options.maxThreads()));
        connector.setProperty("maxHttpHeaderSize", Integer.toString(MAX_HEADER_BYTES));
        connector.setProperty("minSpareThreads", Integer.toString(Math.min(4, options.maxThreads())));
        if (options.virtualThreads()) {
          connector.setProperty("useVirtualThreads", "true");
        }
        if (options.h2c()) {
          connector.addUpgradeProtocol(new Http2Protocol());
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        context.addServletContainerInitializer(new WsSci(), null); // the ServerContainer attribute
        context.addServletContainerInitializer((classes, ctx) -> setup.accept(ctx), Set.of());
        options.errorPages().forEach((status, path) -> {
          ErrorPage page = new ErrorPage();
          page.setErrorCode(status);
          page.setLocation(path);
          context.addErrorPage(page);
        });
        tomcat.start();
        int port = connector.getLocalPort();
        return new Running() {
          @Override
          public Kind kind() {
            return TOMCAT;
          }

          @Override
          public int port() {
            return port;
          }

          @Override
          public void close() {
            try {
              tomcat.stop();
              tomcat.destroy();
            } catch (LifecycleException e) {
              throw new IllegalStateException("Tomcat did not stop", e);
            }
          }
        };
      }
    };

    /** Starts the container with {@code setup} run as its servlet container initializer. */
    abstract Running start(Options options, Consumer<ServletContext> setup) throws Exception;
  }

  /** Whether this JVM has virtual threads (the JDK 25 pass of the test command runs those cases). */
  static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21;
  }

  /** Whether the calling thread is virtual ({@code Thread.isVirtual()}, JDK 21+; this code targets 17). */
  static boolean onVirtualThread() {
    if (!virtualThreadsAvailable()) {
      return false;
    }
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ExecutorService virtualExecutor() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need JDK 21 or later; this is " + Runtime.version(), e);
    }
  }
}
