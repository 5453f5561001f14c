package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** The examples of docs/logging.md work as written. */
class DocsExampleTest {

  private static final Path DOC = Path.of("../docs/logging.md");

  @TempDir
  Path dir;

  static List<String> configurationBlocks() throws IOException {
    Matcher m = Pattern.compile("```xml\n(<configuration>.*?</configuration>)\n```", Pattern.DOTALL)
        .matcher(Files.readString(DOC));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void everyLogbackConfigurationOnThePageLogsJsonWithoutErrors() throws IOException {
    List<String> blocks = configurationBlocks();
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
    for (String xml : blocks) {
      PrintStream original = System.out;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("ENGLOG_LOG_DIR", dir.toString());
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

  /** The Java snippets of the page, compiled. */
  static final class JournalController {
    private static final StructuredLogger LOG = StructuredLogger.getLogger(JournalController.class);

    void snippets(Duration elapsed, String correlationId, String userId, Exception error) {
      LOG.logRequest("POST", "/api/v1/journals/{id}", 201, elapsed, correlationId, userId);
      LOG.logAiProcessing("summarize", "openai", elapsed, error);
      LOG.logBusinessEvent("journal_created", userId, Map.of("entry_type", "gratitude", "words", 120));
    }
  }

  @Test
  void javaSnippetsRun() {
    new JournalController().snippets(Duration.ofMillis(12), "corr-1", null, null);
    List<String> alerts = new ArrayList<>();
    RedactionCounts counts = RedactionCounts.ofDefaultContext();
    LongSupplier credentials = counts.counter(RedactionKind.CREDENTIAL);
    RedactionListener listener = (kind, n) -> alerts.add(kind.label() + "=" + n);
    counts.addListener(listener);
    counts.removeListener(listener);
    assertThat(credentials.getAsLong()).isNotNegative();
  }
}
