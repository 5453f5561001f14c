package com.englog.observability.servlet;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.Tracing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The service {@link AgentModeIT} runs in a child JVM with the OpenTelemetry Java agent attached: Jetty
 * with {@link EnglogServlet#install}, a servlet whose route comes from a {@link RouteResolver}, and
 * anonymous {@code /metrics}. It prints its mode and port, then serves until its standard input closes.
 */
final class AgentModeApp {

  static final String ROUTE = "/journals/{id}";

  private AgentModeApp() {}

  public static void main(String[] args) throws Exception {
    Tracing tracing = Tracing.builder().serviceName("agent-mode-app").build();
    EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false)
        .exemplars(EnglogServlet.exemplars(tracing)).build();
    try (ServletContainer.Running container = ServletContainer.Kind.JETTY.start(
        ServletContainer.Options.defaults(), ctx -> {
          ctx.addServlet("journal", Scripted.text("journal")).addMapping("/journals/*");
          EnglogServlet.install(ctx, EnglogServlet.config().metrics(metrics).tracing(tracing)
              .anonymousMetrics().withoutHealthServlet()
              .filter(f -> f.routeResolver(r -> r.getRequestURI().startsWith("/journals/") ? ROUTE : null)));
        })) {
      System.out.println("agent-mode-app mode=" + tracing.mode() + " port=" + container.port());
      System.out.flush();
      waitForEndOfInput();
    } finally {
      tracing.close();
      metrics.close();
    }
  }

  private static void waitForEndOfInput() throws IOException {
    byte[] buffer = new byte[64];
    while (System.in.read(buffer) >= 0) {
      System.out.println(new String(buffer, StandardCharsets.US_ASCII).trim());
    }
  }
}
