package com.englog.observability.benchmarks;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The hello-world service of the loopback benchmark ({@code benchmarks/servlet-loopback.sh}): embedded
 * Jetty 12 (ee10) on 127.0.0.1 serving {@link HelloServlet} at {@code /hello}, either alone
 * ({@code bare}, also the variant the OpenTelemetry Java agent is attached to) or behind EngLog's
 * {@code ObservabilityFilter} ({@code englog}).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar com.englog.observability.benchmarks.HelloJettyServer bare|englog PORT</pre>
 */
public final class HelloJettyServer {

  private HelloJettyServer() {}

  public static void main(String[] args) throws Exception {
    String variant = args.length > 0 ? args[0] : "bare";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("hello", new HelloServlet()), "/hello");
    AutoCloseable observability = switch (variant) {
      case "bare" -> () -> { };
      case "englog" -> EnglogVariant.install(context);
      default -> throw new IllegalArgumentException("variant must be bare or englog, not " + variant);
    };
    server.setHandler(context);
    server.setStopAtShutdown(true);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.join();
        observability.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, "observability-shutdown"));
    System.out.println("hello (" + variant + ") on http://127.0.0.1:" + connector.getLocalPort() + "/hello");
    server.join();
  }
}
