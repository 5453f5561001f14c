package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** The logback configurations shipped in the jar, loaded from the class path as a service would. */
@SuppressWarnings("try") // scopes are closed by try-with-resources on purpose
class ShippedConfigTest {

  @TempDir
  Path dir;

  private static LoggerContext load(String resource, Map<String, String> properties) {
    URL url = ShippedConfigTest.class.getClassLoader().getResource(resource);
    assertThat(url).as("resource %s on the class path", resource).isNotNull();
    LoggerContext context = new LoggerContext();
    context.setName("shipped");
    context.setMDCAdapter(MDC.getMDCAdapter());
    properties.forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(url);
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
    Logback.assertNoErrors(context);
    return context;
  }

  /** Runs {@code body} with System.out captured; returns what was written. */
  private static String stdout(Runnable body) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static void withSpan(Consumer<Span> body) {
    SdkTracerProvider provider = Tracers.provider();
    Span span = provider.get("shipped").spanBuilder("op").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      body.accept(span);
    } finally {
      span.end();
      provider.close();
    }
  }

  @Test
  void productionWritesTraceCorrelatedJsonToStdoutThroughABoundedAsyncAppender() {
    String[] traceId = new String[1];
    String out = stdout(() -> {
      LoggerContext context = load("englog/logback-production.xml", Map.of("ENGLOG_LOGGING_DIR", dir.toString()));
      BoundedAsyncAppender async = (BoundedAsyncAppender) context.getLogger("ROOT").getAppender("ENGLOG_JSON_CONSOLE");
      assertThat(async.getDiscardingThreshold()).isZero();
      assertThat(async.getMaxBlock()).isEqualTo(java.time.Duration.ofMillis(100));
      assertThat(async.getMaxFlushTime()).isEqualTo(5000);
      withSpan(span -> {
        traceId[0] = span.getSpanContext().getTraceId();
        for (int i = 0; i < 500; i++) {
          context.getLogger("app").info("event {} password={}", i, "hunter2");
        }
        context.getLogger("app").debug("not at INFO");
      });
      context.stop(); // flushes the queue
    });
    List<JsonNode> lines = Lines.parseAll(out.getBytes(StandardCharsets.UTF_8));
    assertThat(lines).hasSize(500);
    assertThat(lines.get(499).get("message").asText()).isEqualTo("event 499 password=[REDACTED]");
    assertThat(lines).allSatisfy(l -> assertThat(l.get("trace_id").asText()).isEqualTo(traceId[0]));
    assertThat(dir).isEmptyDirectory(); // the file appender is not referenced: no file
  }

  @Test
  void developmentWritesOneReadableLinePerEventAtDebug() {
    String out = stdout(() -> {
      LoggerContext context = load("englog/logback-development.xml", Map.of());
      context.getLogger("com.englog.Dev").debug("debugging {}\nsecond line", "token=abc123");
      context.stop();
    });
    assertThat(out).hasLineCount(1);
    assertThat(out).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z DEBUG com\\.englog\\.Dev \\[[^]]+] "
        + "debugging token=\\[REDACTED] ?\\\\nsecond line\\n");
  }

  @Test
  void productionFileRotatesBySizeAndTimeCompressesAndCapsTheArchives() throws Exception {
    Path logs = dir.resolve("logs");
    LoggerContext context = load("englog/logback-production-file.xml", Map.of(
        "ENGLOG_LOGGING_DIR", logs.toString(),
        "ENGLOG_LOGGING_FILE", "api",
        "ENGLOG_LOGGING_MAX_FILE_SIZE", "2KB",
        "ENGLOG_LOGGING_ROLL_PATTERN", "yyyy-MM-dd_HH-mm-ss",
        "ENGLOG_LOGGING_TOTAL_SIZE_CAP", "6KB"));
    java.util.Random random = new java.util.Random(3);
    PrintStream original = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      long deadline = System.nanoTime() + 90_000_000_000L;
      Set<String> periods = new HashSet<>();
      Set<String> seen = new HashSet<>();
      boolean sizeRotated = false;
      int i = 0;
      // Log until archives show a rotation by time (two periods), one by size (index above 0), and far
      // more archives than the total cap allows (random text: archives barely compress).
      while (System.nanoTime() < deadline && (periods.size() < 2 || !sizeRotated || seen.size() < 30)) {
        byte[] noise = new byte[150];
        random.nextBytes(noise);
        context.getLogger("app").info("line {} {}", i++, java.util.Base64.getEncoder().encodeToString(noise));
        Thread.sleep(1);
        if (i % 10 == 0) {
          for (String archive : archives(logs)) {
            seen.add(archive);
            periods.add(archive.substring(0, archive.lastIndexOf('.', archive.length() - 9)));
            sizeRotated |= !archive.endsWith(".0.json.gz");
          }
        }
      }
      assertThat(seen).as("archives created").hasSizeGreaterThanOrEqualTo(30);
      assertThat(periods).as("periods seen in archive names").hasSizeGreaterThanOrEqualTo(2);
      assertThat(sizeRotated).as("a rotation by size within a period").isTrue();
    } finally {
      context.stop();
      System.setOut(original);
    }
    assertThat(logs.resolve("api.json")).exists();
    List<String> archives = archives(logs);
    assertThat(archives).isNotEmpty().allMatch(n -> n.matches("api\\.\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}\\.\\d+\\.json\\.gz"));
    for (String archive : archives) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(logs.resolve(archive)))) {
        byte[] content = in.readAllBytes();
        assertThat(Lines.parseAll(content)).isNotEmpty();
      }
    }
    // The cap is enforced asynchronously after each rollover; give the last clean-up a moment.
    long deadline = System.nanoTime() + 30_000_000_000L;
    long total = archiveBytes(logs);
    while (total > 6 * 1024 + 4 * 1024 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      total = archiveBytes(logs);
    }
    assertThat(total).as("archives stay near the 6KB total cap").isLessThanOrEqualTo(6 * 1024 + 4 * 1024);
  }

  /**
   * Retention by {@code ENGLOG_LOGGING_MAX_HISTORY}: at start (the shipped file cleans history on start) and
   * at each rollover logback deletes the archives of periods older than that many; here daily archives
   * left by an earlier run. Past 32 periods beyond it logback no longer looks (the documented limit).
   */
  @Test
  void productionFileDeletesArchivesOlderThanMaxHistory() throws Exception {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs);
    java.time.LocalDate today = java.time.LocalDate.now();
    Map<Integer, List<Path>> byAge = new java.util.TreeMap<>();
    for (int age : new int[] {1, 3, 4, 10, 35, 40}) {
      for (int index = 0; index < 2; index++) {
        Path archive = logs.resolve("api." + today.minusDays(age) + "." + index + ".json.gz");
        Files.write(archive, new byte[] {0x1f, (byte) 0x8b});
        byAge.computeIfAbsent(age, a -> new java.util.ArrayList<>()).add(archive);
      }
    }
    LoggerContext context = load("englog/logback-production-file.xml", Map.of(
        "ENGLOG_LOGGING_DIR", logs.toString(),
        "ENGLOG_LOGGING_FILE", "api",
        "ENGLOG_LOGGING_MAX_HISTORY", "3"));
    PrintStream original = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      org.junit.jupiter.api.Assumptions.assumeTrue(today.equals(java.time.LocalDate.now()), "not across midnight");
      context.getLogger("app").info("started");
      // The clean-up runs on logback's executor: wait for it (it has run once anything is gone).
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Stream.of(4, 10, 35).flatMap(a -> byAge.get(a).stream()).anyMatch(Files::exists)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      context.stop();
      System.setOut(original);
    }
    for (int age : new int[] {4, 10, 35}) {
      assertThat(byAge.get(age)).as("archives %d days old", age).allSatisfy(p -> assertThat(p).doesNotExist());
    }
    for (int age : new int[] {1, 3}) {
      assertThat(byAge.get(age)).as("archives %d days old", age).allSatisfy(p -> assertThat(p).exists());
    }
    assertThat(byAge.get(40)).as("beyond maxHistory + 32 periods logback does not look").allSatisfy(p -> assertThat(p).exists());
  }

  @Test
  void formerVariableNamesStillWorkBehindTheCurrentOnes() {
    Path former = dir.resolve("former");
    LoggerContext context = load("englog/logback-production-file.xml", Map.of(
        "ENGLOG_LOG_DIR", former.toString(), "ENGLOG_LOG_FILE", "api", "ENGLOG_LOG_LEVEL", "WARN",
        "ENGLOG_LOG_QUEUE_SIZE", "64"));
    BoundedAsyncAppender async = (BoundedAsyncAppender) context.getLogger("ROOT").getAppender("ENGLOG_JSON_FILE");
    assertThat(async.getQueueSize()).isEqualTo(64);
    assertThat(((ch.qos.logback.core.FileAppender<?>) async.getAppender("ENGLOG_JSON_FILE_DIRECT")).getFile())
        .isEqualTo(former + "/api.json");
    assertThat(context.getLogger("ROOT").getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    context.stop();

    LoggerContext both = load("englog/logback-production-file.xml", Map.of(
        "ENGLOG_LOG_DIR", former.toString(), "ENGLOG_LOGGING_DIR", dir.toString()));
    BoundedAsyncAppender current = (BoundedAsyncAppender) both.getLogger("ROOT").getAppender("ENGLOG_JSON_FILE");
    assertThat(((ch.qos.logback.core.FileAppender<?>) current.getAppender("ENGLOG_JSON_FILE_DIRECT")).getFile())
        .as("the current name wins").isEqualTo(dir + "/application.json");
    both.stop();
  }

  /**
   * The file appender is buffered ({@code immediateFlush} false) and the asynchronous appender in front
   * of it flushes it: a line reaches the file within {@code ENGLOG_LOGGING_FLUSH_INTERVAL}, though no
   * write per line happens.
   */
  @Test
  void productionFileLinesReachTheFileWithinTheFlushInterval() throws Exception {
    Path logs = dir.resolve("logs");
    LoggerContext context = load("englog/logback-production-file.xml", Map.of(
        "ENGLOG_LOGGING_DIR", logs.toString(), "ENGLOG_LOGGING_FILE", "api",
        "ENGLOG_LOGGING_FLUSH_INTERVAL", "200 ms"));
    BoundedAsyncAppender async = (BoundedAsyncAppender) context.getLogger("ROOT").getAppender("ENGLOG_JSON_FILE");
    assertThat(async.getFlushInterval()).isEqualTo(java.time.Duration.ofMillis(200));
    PrintStream original = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      context.getLogger("app").info("flushed without stopping");
      long logged = System.nanoTime();
      // The bound is 200 ms; the rest is slack for a loaded machine, not a speed target.
      long deadline = logged + 3_000_000_000L;
      while (!fileHas(logs.resolve("api.json"), "flushed without stopping") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(fileHas(logs.resolve("api.json"), "flushed without stopping"))
          .as("the line is in the file while the appender still runs").isTrue();
    } finally {
      context.stop();
      System.setOut(original);
    }
  }

  /** What makes a line reach the file before shutdown is the flush: with a long interval it waits in the buffer. */
  @Test
  void productionFileKeepsLinesInItsBufferUntilTheIntervalOrShutdown() throws Exception {
    Path logs = dir.resolve("logs");
    LoggerContext context = load("englog/logback-production-file.xml", Map.of(
        "ENGLOG_LOGGING_DIR", logs.toString(), "ENGLOG_LOGGING_FILE", "api",
        "ENGLOG_LOGGING_FLUSH_INTERVAL", "1 minute"));
    BoundedAsyncAppender async = (BoundedAsyncAppender) context.getLogger("ROOT").getAppender("ENGLOG_JSON_FILE");
    PrintStream original = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      context.getLogger("app").info("buffered line");
      while (async.queuedEvents() > 0) {
        Thread.sleep(10);
      }
      Thread.sleep(300); // the worker has taken it; give it time to write it, were it unbuffered
      assertThat(fileHas(logs.resolve("api.json"), "buffered line")).as("still in the buffer").isFalse();
    } finally {
      context.stop();
      System.setOut(original);
    }
    assertThat(fileHas(logs.resolve("api.json"), "buffered line")).as("flushed at shutdown").isTrue();
  }

  private static boolean fileHas(Path file, String text) throws IOException {
    return Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(text);
  }

  @Test
  void productionFileDefaultsAreTheDocumentedOnes() {
    LoggerContext context = load("englog/logback-production-file.xml", Map.of("ENGLOG_LOGGING_DIR", dir.toString()));
    BoundedAsyncAppender async = (BoundedAsyncAppender) context.getLogger("ROOT").getAppender("ENGLOG_JSON_FILE");
    assertThat(async.getDiscardingThreshold()).isZero();
    assertThat(async.getMaxBlock()).isEqualTo(java.time.Duration.ofMillis(100));
    assertThat(async.getQueueSize()).isEqualTo(8192);
    assertThat(async.getFlushInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
    @SuppressWarnings("unchecked")
    ch.qos.logback.core.rolling.RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file =
        (ch.qos.logback.core.rolling.RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
            async.getAppender("ENGLOG_JSON_FILE_DIRECT");
    assertThat(file.getFile()).isEqualTo(dir + "/application.json");
    ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy<?> policy =
        (ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy<?>) file.getRollingPolicy();
    assertThat(policy.getFileNamePattern()).isEqualTo(dir + "/application.%d{yyyy-MM-dd}.%i.json.gz");
    assertThat(policy.getMaxHistory()).isEqualTo(14);
    assertThat(file.getEncoder()).isInstanceOf(JsonEncoder.class);
    assertThat(file.isImmediateFlush()).as("flushed by the asynchronous appender").isFalse();
    context.stop();
  }

  private static List<String> archives(Path logs) {
    if (!Files.isDirectory(logs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(logs)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json.gz")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long archiveBytes(Path logs) throws IOException {
    long total = 0;
    for (String a : archives(logs)) {
      total += Files.size(logs.resolve(a));
    }
    return total;
  }

  @Test
  void theAppendersFragmentCanBeIncludedByAServicesOwnConfiguration() {
    String xml = "<configuration>\n"
        + "  <include resource=\"englog/logback-appenders.xml\"/>\n"
        + "  <appender name=\"CAPTURE\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
        + "    <encoder class=\"com.englog.observability.logging.JsonEncoder\"/>\n"
        + "  </appender>\n"
        + "  <root level=\"INFO\"><appender-ref ref=\"CAPTURE\"/></root>\n"
        + "</configuration>";
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.putProperty("ENGLOG_LOGGING_DIR", dir.toString());
    Logback.configure(context, xml);
    Logback.assertNoErrors(context);
    assertThat(Logback.statuses(context, Status.WARN)).anyMatch(m -> m.contains("ENGLOG_TEXT_CONSOLE") && m.contains("not referenced"));
    context.getLogger("app").info("hello");
    assertThat(Logback.capture(context, "CAPTURE").lines()).hasSize(1);
    context.stop();
    assertThat(dir).isEmptyDirectory();
  }
}
