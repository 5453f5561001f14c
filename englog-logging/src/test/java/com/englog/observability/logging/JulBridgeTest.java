package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK logs through {@code java.util.logging} and englog-tracing through
 * {@code System.Logger}: with the shipped configuration both arrive as JSON lines, not as plain text on
 * standard error. Uses SLF4J's own logback context, the one the JUL bridge and the logger finder write
 * to, and puts it back as it was.
 */
class JulBridgeTest {

  /** The README's one-line form plus the line docs/logging.md tells users of their own configuration to add. */
  private static final String OWN_CONFIGURATION = "<configuration>\n"
      + "  <contextListener class=\"com.englog.observability.logging.JulBridge\"/>\n"
      + "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
      + "    <encoder class=\"com.englog.observability.logging.JsonEncoder\"/>\n"
      + "  </appender>\n"
      + "  <root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root>\n"
      + "</configuration>";

  /** What a run wrote: standard output and standard error. */
  private static final class Output {
    final String stdout;
    final String stderr;

    Output(String stdout, String stderr) {
      this.stdout = stdout;
      this.stderr = stderr;
    }

    List<JsonNode> lines() {
      return Lines.parseAll(stdout.getBytes(StandardCharsets.UTF_8));
    }
  }

  private interface Configuring {
    void configure(JoranConfigurator configurator) throws JoranException;
  }

  /** Configures SLF4J's context, exports spans to a closed port and logs through System.Logger. */
  private static Output run(Configuring configuration) throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configuration.configure(configurator);

      int closedPort;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort();
      }
      OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + closedPort + "/v1/traces").setTimeout(Duration.ofSeconds(5)).build();
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
      for (int i = 0; i < 3; i++) {
        provider.get("jul-bridge-test").spanBuilder("op-" + i).startSpan().end();
      }
      provider.forceFlush().join(20, TimeUnit.SECONDS);
      provider.shutdown().join(20, TimeUnit.SECONDS);

      System.getLogger("com.englog.observability.tracing.Tracing")
          .log(System.Logger.Level.WARNING, "exporter endpoint unreachable", new IllegalStateException("boom"));
      context.stop(); // writes what the asynchronous appenders hold
    } finally {
      System.setOut(out);
      System.setErr(err);
      context.reset();
      new ContextInitializer(context).autoConfig();
    }
    return new Output(stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  private static void assertEveryLineIsJson(Output output) {
    assertThat(output.stderr).doesNotContain("SEVERE", "Failed to export", "exporter endpoint unreachable");
    List<JsonNode> lines = output.lines(); // each one a single JSON object, or this fails
    List<JsonNode> sdk = lines.stream()
        .filter(l -> l.get("logger").asText().startsWith("io.opentelemetry.exporter"))
        .collect(Collectors.toList());
    assertThat(sdk).as("the SDK's export failure in\n%s", output.stdout).isNotEmpty();
    JsonNode failure = sdk.get(0);
    assertThat(failure.get("level").asText()).isEqualTo("ERROR");
    assertThat(failure.get("message").asText()).startsWith("Failed to export 3 spans");
    assertThat(failure.get("error").get("type").asText()).isNotEmpty();
    assertThat(failure.get("error").get("frames").size()).isPositive();

    List<JsonNode> tracing = lines.stream()
        .filter(l -> l.get("logger").asText().equals("com.englog.observability.tracing.Tracing"))
        .collect(Collectors.toList());
    assertThat(tracing).hasSize(1);
    assertThat(tracing.get(0).get("level").asText()).isEqualTo("WARN");
    assertThat(tracing.get(0).get("message").asText()).isEqualTo("exporter endpoint unreachable");
    assertThat(tracing.get(0).get("error").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void withTheShippedProductionConfigurationAnSdkExportFailureIsOneJsonLine() throws Exception {
    URL production = JulBridgeTest.class.getClassLoader().getResource("englog/logback-production.xml");
    Output output = run(c -> c.doConfigure(production));
    assertEveryLineIsJson(output);
    assertThat(JulBridge.isInstalled()).as("removed when the context was reset").isFalse();
  }

  @Test
  void withAnOwnConfigurationTheOneContextListenerLineDoesTheSame() throws Exception {
    Output output = run(c -> c.doConfigure(new java.io.ByteArrayInputStream(
        OWN_CONFIGURATION.getBytes(StandardCharsets.UTF_8))));
    assertEveryLineIsJson(output);
  }

  @Test
  void theRootHandlersComeBackWhenTheBridgeIsRemoved() throws Exception {
    java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
    List<java.util.logging.Handler> before = List.of(root.getHandlers());
    LoggerContext context = Logback.configure(OWN_CONFIGURATION);
    assertThat(JulBridge.isInstalled()).isTrue();
    assertThat(root.getHandlers()).hasSize(1)
        .allSatisfy(h -> assertThat(h).isInstanceOf(org.slf4j.bridge.SLF4JBridgeHandler.class));
    context.stop();
    assertThat(JulBridge.isInstalled()).isFalse();
    assertThat(root.getHandlers()).containsExactlyElementsOf(before);
  }
}
