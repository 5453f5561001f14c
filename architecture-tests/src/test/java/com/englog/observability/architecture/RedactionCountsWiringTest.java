package com.englog.observability.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import com.englog.observability.logging.JsonEncoder;
import com.englog.observability.logging.RedactionCounts;
import com.englog.observability.logging.RedactionKind;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.testsupport.DocsSnippets;
import com.englog.observability.testsupport.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A hook between two leaves (docs/design.md): logging's {@code RedactionCounts} published by metrics'
 * {@code bindRedactionCount}, wired as a composing module does it, with the code docs/logging.md shows
 * (verbatim: the page's java block is the region below). Here because only this module sees both.
 */
class RedactionCountsWiringTest {

  @Test
  void loggingsRedactionCountsArePublishedAsTheSecurityMetric() {
    LoggerContext loggerContext = new LoggerContext();
    loggerContext.setMDCAdapter(new LogbackMDCAdapter()); // logback sets one only on its default context
    JsonEncoder encoder = JsonEncoder.builder().build();
    encoder.setContext(loggerContext);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(loggerContext);
    appender.setEncoder(encoder);
    appender.setOutputStream(new ByteArrayOutputStream());
    appender.start();
    loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    try (EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).build()) {
      // docs:start bind-redaction-counts
      RedactionCounts counts = RedactionCounts.of(loggerContext);
      for (RedactionKind kind : RedactionKind.values()) {
        metrics.bindRedactionCount(kind.label(), counts.counter(kind));
      }
      // docs:end bind-redaction-counts
      loggerContext.getLogger("app").atInfo().setMessage("password={} for {}").addArgument("hunter2")
          .addArgument("ada@example.com").addKeyValue("api_key", "k-1").log();
      loggerContext.getLogger("app").info("token={}", "t-2");

      String exposition = metrics.scrapeHandler().handle(null).bodyText();
      assertThat(sample(exposition, "credential")).isEqualTo(2);
      assertThat(sample(exposition, "pii")).isEqualTo(1);
      assertThat(sample(exposition, "field")).isEqualTo(1);
    } finally {
      loggerContext.stop();
    }
  }

  private static double sample(String exposition, String kind) {
    Matcher m = Pattern.compile("(?m)^englog_security_redactions_total\\{kind=\"" + kind + "\"} (\\S+)$")
        .matcher(exposition);
    assertThat(m.find()).as("series of kind %s in\n%s", kind, exposition).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void docsShowTheWiringVerbatim() {
    Path root = TestEnvironment.repositoryRoot();
    String snippet = DocsSnippets.regions(root.resolve("architecture-tests/src/test/java/com/englog/observability/"
        + "architecture/RedactionCountsWiringTest.java")).get("bind-redaction-counts");
    assertThat(snippet).isNotNull();
    assertThat(DocsSnippets.fencedBlocks(root.resolve("docs/logging.md"), "java")).contains(snippet);
  }
}
