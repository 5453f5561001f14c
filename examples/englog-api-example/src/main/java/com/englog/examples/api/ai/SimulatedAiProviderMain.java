package com.englog.examples.api.ai;

import ch.qos.logback.classic.LoggerContext;
import com.englog.examples.api.ApiConfig;
import com.englog.observability.tracing.Traces;
import com.englog.observability.tracing.Tracing;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulated AI provider as its own process:
 * {@code java -cp englog-api-example.jar com.englog.examples.api.ai.SimulatedAiProviderMain}. Listens on
 * {@code ENGLOG_EXAMPLE_BIND}:{@code ENGLOG_EXAMPLE_PORT} (default 127.0.0.1:8090); traces as
 * {@code englog-ai-provider}, exporting only when an OTLP endpoint is configured.
 */
public final class SimulatedAiProviderMain {

  /** Its service name. */
  public static final String SERVICE_NAME = "englog-ai-provider";
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedAiProviderMain.class);

  private SimulatedAiProviderMain() {}

  public static void main(String[] args) {
    // The JDK server writes headers and body in two packets; without this, Nagle adds ~40 ms per answer.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Map<String, String> env = System.getenv();
    String bind = env.getOrDefault("ENGLOG_EXAMPLE_BIND", "127.0.0.1");
    Tracing tracing = null;
    SimulatedAiProvider provider;
    try {
      int port = Integer.parseInt(env.getOrDefault("ENGLOG_EXAMPLE_PORT", "8090"));
      Map<String, String> tracingProperties = ApiConfig.tracingProperties(env);
      LOG.atInfo().setMessage("Effective configuration").addKeyValue("bind", bind).addKeyValue("port", port)
          .addKeyValue("tracing", tracingProperties.toString()).log();
      Tracing.Builder tracingBuilder = Tracing.builder().serviceName(SERVICE_NAME);
      tracingProperties.forEach(tracingBuilder::property);
      tracing = tracingBuilder.build();
      Traces.setDefault(tracing);
      provider = SimulatedAiProvider.start(bind, port, tracing);
    } catch (Exception e) {
      LOG.error("Simulated AI provider failed to start", e);
      if (tracing != null) {
        tracing.close();
      }
      stopLogging();
      System.exit(1);
      return;
    }
    Tracing started = tracing;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      provider.close();
      started.close();       // flushes the last spans
      stopLogging();
      Runtime.getRuntime().halt(0); // a clean stop on SIGTERM exits 0
    }, "englog-ai-provider-shutdown"));
    System.out.println("englog-example ready: " + SERVICE_NAME + " http://" + bind + ":" + provider.port());
  }

  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }
}
