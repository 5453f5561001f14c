package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.englog.observability.testsupport.DocsSnippets;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The examples of docs/logging.md work as written: every {@code <configuration>} block is loaded and
 * logged through, and every java block is a {@code docs:start}/{@code docs:end} region of this file,
 * verbatim (the metrics wirings are compiled in architecture-tests, which sees both modules).
 */
class DocsExampleTest {

  private static final Path DOC = Path.of("../docs/logging.md");
  private static final Path SOURCE = Path.of("src/test/java/com/englog/observability/logging/DocsExampleTest.java");

  @TempDir
  Path dir;

  static List<String> blocks(String language) {
    return DocsSnippets.fencedBlocks(DOC, language);
  }

  @Test
  void everyLogbackConfigurationOnThePageLogsJsonWithoutErrors() throws IOException {
    List<String> blocks = new ArrayList<>();
    for (String xml : blocks("xml")) {
      if (xml.startsWith("<configuration>")) {
        blocks.add(xml);
      }
    }
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
    for (String xml : blocks) {
      PrintStream original = System.out;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("ENGLOG_LOGGING_DIR", dir.toString());
        Logback.configure(context, xml);
        Logback.assertNoErrors(context);
        context.getLogger("docs").info("docs example {}", "password=x");
        context.stop();
      } finally {
        System.setOut(original);
      }
      List<JsonNode> lines = Lines.parseAll(out.toByteArray());
      assertThat(lines).as("output of\n%s", xml).hasSize(1);
      assertThat(lines.get(0).get("message").asText()).isEqualTo("docs example password=[REDACTED]");
    }
  }

  @Test
  void everyJavaBlockOnThePageIsARegionOfACompiledTest() {
    Collection<String> regions = DocsSnippets.regions(SOURCE).values();
    assertThat(regions).hasSize(4);
    List<String> javaBlocks = blocks("java");
    for (String region : regions) {
      assertThat(javaBlocks).as("docs/logging.md shows this example verbatim:\n%s", region).contains(region);
    }
    // The blocks that are not here: the two metrics wirings, regions of architecture-tests.
    assertThat(javaBlocks).hasSize(regions.size() + 2);
  }

  @Test
  void theSampleLineIsTheGoldenFile() throws IOException {
    String golden = Files.readString(Path.of("src/test/resources/golden/full-event.json"), StandardCharsets.UTF_8);
    // The page wraps the line after commas between fields, for reading.
    assertThat(blocks("json").get(0).replaceAll("\\n\\s*", "")).isEqualTo(golden.strip());
  }

  static final class JournalController {
    // docs:start structured-logger
    private static final StructuredLogger LOG = StructuredLogger.of(JournalController.class);

    void handled(Duration elapsed, String correlationId, String userId, Exception error) {
      LOG.logRequest("POST", "/api/v1/journals/{id}", 201, elapsed, correlationId, userId); // userId may be null
      LOG.logAiProcessing("summarize", "openai", elapsed, error);                          // error may be null
      LOG.logBusinessEvent("journal_created", userId, Map.of("entry_type", "gratitude", "words", 120));
    }
    // docs:end structured-logger

    void accessLog(Duration elapsed, String correlationId, String userAgent) {
      // docs:start request-log
      LOG.logRequest(StructuredLogger.RequestLog.builder("GET", "/api/v1/journals/{id}", 200)
          .duration(elapsed)
          .correlationId(correlationId)
          .clientAddress("203.0.113.7")
          .userAgent(userAgent)      // redacted like any text: a token pasted into it does not reach the log
          .bytesOut(512)
          .build());
      // docs:end request-log
    }
  }

  /** What the page calls securityAlerts: something of the service's own. */
  static final class SecurityAlerts {
    final List<String> noted = new ArrayList<>();

    void note(String kind, int count) {
      noted.add(kind + "=" + count);
    }
  }

  /** The snippets run against SLF4J's own logback context, as in a service; the appender goes afterwards. */
  @Test
  void anEncoderBuiltInCodeLogsAndCountsItsRedactions() {
    SecurityAlerts securityAlerts = new SecurityAlerts();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    ConsoleAppender<ILoggingEvent> appender = null;
    RedactionCounts registered = null;
    RedactionListener listener = null;
    try {
      // docs:start builder
      LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
      JsonEncoder encoder = JsonEncoder.builder()
          .serviceName("englog-api")
          .staticField("region", "eu-west-1")
          .maxMessageLength(4096)
          .enableDetector(RedactionDetector.CREDIT_CARD) // opt-in; in XML: <enableDetector>credit-card</enableDetector>
          .build();                      // IllegalArgumentException here for an invalid option
      encoder.setContext(loggerContext);
      encoder.start();
      ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
      stdout.setContext(loggerContext);
      stdout.setEncoder(encoder);
      stdout.start();
      loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(stdout);
      // docs:end builder
      appender = stdout;

      // docs:start redaction-counts
      RedactionCounts counts = RedactionCounts.ofDefaultContext();          // or RedactionCounts.of(loggerContext)
      LongSupplier credentials = counts.counter(RedactionKind.CREDENTIAL);  // monotonic: for a function counter
      RedactionListener alerts = (kind, n) -> securityAlerts.note(kind.label(), n); // per encoded event
      counts.addListener(alerts);
      // docs:end redaction-counts
      registered = counts;
      listener = alerts;
      long before = credentials.getAsLong();
      StructuredLogger.of("docs").logBusinessEvent("signed_in", null, Map.of("note", "password=hunter2"));
      new JournalController().handled(Duration.ofMillis(12), "corr-1", null, null);

      assertThat(credentials.getAsLong() - before).isEqualTo(1);
      assertThat(securityAlerts.noted).containsExactly("credential=1");
    } finally {
      System.setOut(original);
      if (registered != null) {
        registered.removeListener(listener);
      }
      LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
      if (appender != null) {
        loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        appender.getEncoder().stop();
      }
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String text : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (text.startsWith("{")) { // this encoder's lines, not those of logback's default console appender
        lines.add(Lines.parse((text + "\n").getBytes(StandardCharsets.UTF_8)));
      }
    }
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).get("service").asText()).isEqualTo("englog-api");
    assertThat(lines.get(0).get("note").asText()).isEqualTo("password=[REDACTED]");
    assertThat(lines.get(1).get("message").asText()).isEqualTo("http_request");
  }
}
