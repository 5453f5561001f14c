package com.englog.examples.api;

import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Starts the EngLog API example: {@code java -jar englog-api-example.jar}. Configuration comes from
 * {@code ENGLOG_EXAMPLE_*} and {@code OTEL_*} environment variables (see the README); the effective
 * configuration is logged at start, secrets masked.
 */
public final class ApiMain {

  private static final Logger LOG = LoggerFactory.getLogger(ApiMain.class);

  private ApiMain() {}

  public static void main(String[] args) {
    ApiServer server;
    try {
      ApiConfig config = ApiConfig.fromEnvironment(System.getenv());
      logConfiguration(config);
      Path tokenFile = MetricsToken.file(config, System.getenv().getOrDefault("TMPDIR",
          System.getProperty("java.io.tmpdir")));
      LOG.info("Metrics token file: {} (scrape with Authorization: Bearer <its content>)", tokenFile);
      server = ApiServer.start(config, tokenFile);
    } catch (Exception e) {
      LOG.error("EngLog API failed to start", e);
      stopLogging();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server), "englog-api-shutdown"));
    // One plain line that launchers wait for.
    System.out.println("englog-example ready: " + ApiConfig.SERVICE_NAME + " " + server.uri());
  }

  /**
   * What SIGTERM runs: the graceful shutdown, then logging (the last lines are flushed). A clean stop
   * exits 0, as orchestrators and process supervisors expect (the JVM alone would report 143).
   */
  static void shutdown(ApiServer server) {
    boolean clean = true;
    try {
      server.shutdown();
    } catch (RuntimeException e) {
      LOG.error("Shutdown failed", e);
      clean = false;
    }
    stopLogging();
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }

  private static void logConfiguration(ApiConfig config) {
    LoggingEventBuilder line = LOG.atInfo().setMessage("Effective configuration");
    for (Map.Entry<String, String> setting : config.describe().entrySet()) {
      line = line.addKeyValue(setting.getKey(), setting.getValue());
    }
    line.log();
  }

  /** Stops logback: its asynchronous appender writes what is still queued. */
  static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }
}
