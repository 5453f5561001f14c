package com.englog.observability.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import com.englog.observability.logging.BoundedAsyncAppender;
import com.englog.observability.logging.DroppedEventCounts;
import com.englog.observability.metrics.CustomCounter;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.testsupport.DocsSnippets;
import com.englog.observability.testsupport.TestEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A hook between two leaves (docs/design.md): logging's {@code DroppedEventCounts} published through
 * englog-metrics' custom counter API as {@code englog_logging_events_dropped_total{level}}, with the
 * code docs/logging.md shows (verbatim: the page's java block is the region below), and exposed as
 * englog-logging's metric catalog describes it. Here because only this module sees both.
 */
class DroppedEventsWiringTest {

  /** Holds the first event it gets until released, so that the queue behind it fills. */
  static final class StalledAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected void append(ILoggingEvent e) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void droppedLogEventsArePublishedAsTheCatalogsMetric() throws Exception {
    LoggerContext loggerContext = new LoggerContext();
    loggerContext.setMDCAdapter(new LogbackMDCAdapter()); // logback sets one only on its default context
    StalledAppender stdout = new StalledAppender();
    stdout.setContext(loggerContext);
    stdout.start();
    BoundedAsyncAppender async = BoundedAsyncAppender.builder().queueSize(1).maxBlock(Duration.ZERO)
        .maxFlushTime(Duration.ofSeconds(10)).appender(stdout).build();
    async.setContext(loggerContext);
    async.start();
    Logger app = loggerContext.getLogger("app");
    app.addAppender(async);
    try (EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).build()) {
      // docs:start bind-dropped-events
      DroppedEventCounts drops = DroppedEventCounts.of(loggerContext);
      CustomCounter dropped = metrics.counter("englog_logging_events_dropped")
          .help("Log events not written because the appender queue was full or still held them at "
              + "shutdown, by level.")
          .labelNames("level")
          .register();
      for (Level level : Level.values()) {
        dropped.bind(drops.counter(level), DroppedEventCounts.label(level));
      }
      // docs:end bind-dropped-events
      app.info("taken by the worker, which stalls");
      assertThat(stdout.entered.await(10, TimeUnit.SECONDS)).isTrue();
      app.info("queued");
      for (int i = 0; i < 3; i++) {
        app.info("dropped {}", i);
      }
      app.warn("dropped after a wait of maxBlock");
      app.warn("dropped too");
      app.error("dropped as well");

      String exposition = metrics.scrapeHandler().handle(null).bodyText();
      assertThat(sample(exposition, "info")).isEqualTo(3);
      assertThat(sample(exposition, "warn")).isEqualTo(2);
      assertThat(sample(exposition, "error")).isEqualTo(1);
      assertThat(sample(exposition, "debug")).isZero();
      assertThat(sample(exposition, "trace")).isZero();

      JsonNode entry = catalogEntry("englog_logging_events_dropped_total");
      assertThat(entry.get("type").asText()).isEqualTo("counter");
      assertThat(exposition).contains("# HELP englog_logging_events_dropped_total " + entry.get("help").asText() + "\n");
      assertThat(exposition).contains("# TYPE englog_logging_events_dropped_total counter\n");
      List<String> values = new ArrayList<>();
      entry.get("labels").get(0).get("values").forEach(v -> values.add(v.asText()));
      assertThat(entry.get("labels").get(0).get("name").asText()).isEqualTo("level");
      List<String> exposed = new ArrayList<>();
      Matcher m = Pattern.compile("(?m)^englog_logging_events_dropped_total\\{level=\"([a-z]+)\"}").matcher(exposition);
      while (m.find()) {
        exposed.add(m.group(1));
      }
      assertThat(exposed).containsExactlyInAnyOrderElementsOf(values);
    } finally {
      stdout.release.countDown();
      loggerContext.stop();
    }
  }

  private static JsonNode catalogEntry(String name) throws Exception {
    try (InputStream in = DroppedEventsWiringTest.class.getClassLoader()
        .getResourceAsStream("META-INF/englog/metrics-catalog/englog-logging.json")) {
      assertThat(in).as("englog-logging's metric catalog").isNotNull();
      for (JsonNode metric : new ObjectMapper().readTree(in)) {
        if (metric.get("name").asText().equals(name)) {
          return metric;
        }
      }
    }
    throw new AssertionError(name + " is not in englog-logging's catalog");
  }

  private static double sample(String exposition, String level) {
    Matcher m = Pattern.compile("(?m)^englog_logging_events_dropped_total\\{level=\"" + level + "\"} (\\S+)$")
        .matcher(exposition);
    assertThat(m.find()).as("series of level %s in\n%s", level, exposition).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void docsShowTheWiringVerbatim() {
    Path root = TestEnvironment.repositoryRoot();
    String snippet = DocsSnippets.regions(root.resolve("architecture-tests/src/test/java/com/englog/observability/"
        + "architecture/DroppedEventsWiringTest.java")).get("bind-dropped-events");
    assertThat(snippet).isNotNull();
    assertThat(DocsSnippets.fencedBlocks(root.resolve("docs/logging.md"), "java")).contains(snippet);
  }
}
