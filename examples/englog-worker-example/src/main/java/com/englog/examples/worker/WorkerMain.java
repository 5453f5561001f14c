package com.englog.examples.worker;

import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Starts the EngLog worker: {@code java -jar englog-worker-example.jar}. Configuration comes from
 * {@code ENGLOG_EXAMPLE_*} and {@code OTEL_*} environment variables (see the README); the effective
 * configuration is logged first, secrets masked.
 */
public final class WorkerMain {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    // The JDK server sends headers and body in separate packets; without this, Nagle's algorithm and
    // delayed ACKs add ~40 ms to every answer. Read once, when the first server is created.
    System.setProperty("sun.net.httpserver.nodelay", "true");

    Map<String, String> env = System.getenv();
    WorkerConfig config;
    try {
      config = WorkerConfig.from(env);
    } catch (IllegalArgumentException e) {
      LOG.error("cannot start {}: {}", WorkerConfig.SERVICE_NAME, e.getMessage());
      stopLogging();
      System.exit(2);
      return;
    }
    Path tokenFile = MetricsTokenFile.resolve(config, env);
    logConfiguration(config, tokenFile);

    Worker worker = Worker.start(config, tokenFile);
    Runnable shutdown = () -> {
      // The JVM's signal threads are daemons, and so would be a thread they start: once the job and
      // HTTP threads have ended, a daemon alone would not keep the JVM alive until the spans are flushed.
      Thread thread = new Thread(() -> {
        if (worker.shutdown()) {
          stopLogging();
          System.exit(0);
        }
      }, "englog-worker-shutdown");
      thread.setDaemon(false);
      thread.start();
    };
    if (!TermSignal.onTerminate(shutdown)) {
      Runtime.getRuntime().addShutdownHook(new Thread(worker::shutdown, "englog-worker-shutdown"));
    }

    worker.awaitReady();
    if (config.metricsTokenFile().isEmpty()) {
      LOG.info("{}/metrics wants the bearer token in {} (generated for this run)", worker.uri(), tokenFile);
    }
    // The line launchers wait for (plain text, not JSON, so a shell script can match it).
    System.out.println("englog-example ready: " + WorkerConfig.SERVICE_NAME + " " + worker.uri());
  }

  private static void logConfiguration(WorkerConfig config, Path tokenFile) {
    LoggingEventBuilder line = LOG.atInfo().setMessage("effective configuration of " + WorkerConfig.SERVICE_NAME);
    config.describe(tokenFile).forEach(line::addKeyValue);
    line.log();
  }

  /** Writes out what logback holds and stops it; nothing is logged after this. */
  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }
}
