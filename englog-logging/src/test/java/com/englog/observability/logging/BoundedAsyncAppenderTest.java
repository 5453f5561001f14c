package com.englog.observability.logging;

import static com.englog.observability.testsupport.Latches.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * The drop policy of the shipped asynchronous appenders: no logging thread held beyond the bound, and
 * every event either written or counted.
 */
class BoundedAsyncAppenderTest {

  private static final Level[] LEVELS = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
  private static final Duration BOUND = Duration.ofMillis(100);
  /** Scheduling and GC on a loaded machine: a correctness margin, not a speed target. */
  private static final Duration SLACK = Duration.ofMillis(900);

  /** Writes nowhere until released; counts what it was given, by level. */
  static final class BlockedAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final Map<Level, AtomicInteger> delivered = new ConcurrentHashMap<>();

    @Override
    protected void append(ILoggingEvent e) {
      entered.countDown();
      awaitUninterruptibly(release);
      delivered.computeIfAbsent(e.getLevel(), l -> new AtomicInteger()).incrementAndGet();
    }

    int total() {
      return delivered.values().stream().mapToInt(AtomicInteger::get).sum();
    }
  }

  /** A stdout that stalls until released, keeping what it was given. */
  static final class StalledStdout extends OutputStream {
    final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      awaitUninterruptibly(release);
      synchronized (written) {
        written.write(b, off, len);
      }
    }

    /** Lines written, by level. */
    Map<String, Integer> linesByLevel() {
      byte[] bytes;
      synchronized (written) {
        bytes = written.toByteArray();
      }
      Map<String, Integer> byLevel = new ConcurrentHashMap<>();
      for (JsonNode line : Lines.parseAll(bytes)) {
        byLevel.merge(line.get("level").asText(), 1, Integer::sum);
      }
      return byLevel;
    }
  }

  /** The shipped ENGLOG_JSON_CONSOLE, its console appender writing to {@code stdout}. */
  private static LoggerContext shippedConsole(OutputStream stdout, Map<String, String> properties) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    properties.forEach(context::putProperty);
    Logback.configure(context, "<configuration>\n"
        + "  <include resource=\"englog/logback-appenders.xml\"/>\n"
        + "  <root level=\"TRACE\"><appender-ref ref=\"ENGLOG_JSON_CONSOLE\"/></root>\n"
        + "</configuration>");
    Logback.assertNoErrors(context);
    @SuppressWarnings("unchecked")
    AppenderAttachable<ILoggingEvent> async = (AppenderAttachable<ILoggingEvent>)
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ENGLOG_JSON_CONSOLE");
    ((OutputStreamAppender<ILoggingEvent>) async.getAppender("ENGLOG_JSON_CONSOLE_DIRECT")).setOutputStream(stdout);
    return context;
  }

  private static void log(Logger logger, Level level, int i) {
    switch (level.levelInt) {
      case Level.TRACE_INT:
        logger.trace("event {}", i);
        break;
      case Level.DEBUG_INT:
        logger.debug("event {}", i);
        break;
      case Level.INFO_INT:
        logger.info("event {}", i);
        break;
      case Level.WARN_INT:
        logger.warn("event {}", i);
        break;
      default:
        logger.error("event {}", i);
    }
  }

  @Test
  @Timeout(60)
  void aBlockedDownstreamHoldsNoLoggingThreadBeyondTheBoundAndEveryMissingEventIsCounted() throws Exception {
    StalledStdout stdout = new StalledStdout();
    LoggerContext context = shippedConsole(stdout,
        Map.of("ENGLOG_LOGGING_QUEUE_SIZE", "16", "ENGLOG_LOGGING_FLUSH_MILLIS", "60000"));
    Logger logger = context.getLogger("app");
    int threads = 4;
    int perLevelPerThread = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<long[]>> slowest = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        slowest.add(pool.submit(() -> {
          long[] worstNanos = new long[LEVELS.length];
          for (int i = 0; i < perLevelPerThread; i++) {
            for (int l = 0; l < LEVELS.length; l++) {
              long start = System.nanoTime();
              log(logger, LEVELS[l], i);
              worstNanos[l] = Math.max(worstNanos[l], System.nanoTime() - start);
            }
          }
          return worstNanos;
        }));
      }
      for (Future<long[]> f : slowest) {
        long[] worst = f.get();
        for (int l = 0; l < LEVELS.length; l++) {
          assertThat(Duration.ofNanos(worst[l])).as("slowest %s call", LEVELS[l])
              .isLessThanOrEqualTo(BOUND.plus(SLACK));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    BoundedAsyncAppender async = (BoundedAsyncAppender)
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ENGLOG_JSON_CONSOLE");
    assertThat(async.getMaxBlock()).isEqualTo(BOUND);
    DroppedEventCounts drops = DroppedEventCounts.of(context);
    assertThat(drops.count(org.slf4j.event.Level.INFO)).as("INFO dropped").isPositive();
    assertThat(drops.count(org.slf4j.event.Level.WARN)).as("WARN dropped after the wait").isPositive();
    assertThat(drops.count(org.slf4j.event.Level.ERROR)).as("ERROR dropped after the wait").isPositive();

    stdout.release.countDown();
    context.stop(); // the worker writes what is queued, well within ENGLOG_LOGGING_FLUSH_MILLIS
    int n = threads * perLevelPerThread;
    Map<String, Integer> written = stdout.linesByLevel();
    for (Level level : LEVELS) {
      org.slf4j.event.Level slf4j = org.slf4j.event.Level.valueOf(level.levelStr);
      assertThat(written.getOrDefault(level.levelStr, 0) + drops.count(slf4j))
          .as("written + dropped at %s", level).isEqualTo(n);
    }
    assertThat(drops.total() + written.values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(LEVELS.length * n);
  }

  @Test
  @Timeout(60)
  void whatIsStillQueuedAfterMaxFlushTimeIsCountedAndReportedOnOneStderrLine() throws Exception {
    BlockedAppender downstream = new BlockedAppender();
    downstream.start();
    BoundedAsyncAppender async = BoundedAsyncAppender.builder().name("SHUTDOWN_TEST").queueSize(100)
        .maxFlushTime(Duration.ofMillis(200)).appender(downstream).build();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    async.setContext(context);
    downstream.setContext(context);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    async.reportTo(new PrintStream(err, true, StandardCharsets.UTF_8));
    async.start();
    Logger logger = context.getLogger("app");
    logger.addAppender(async);
    for (int i = 0; i < 30; i++) {
      logger.info("info {}", i);
    }
    for (int i = 0; i < 5; i++) {
      logger.error("error {}", i);
    }
    assertThat(downstream.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the worker holds the first event

    long start = System.nanoTime();
    async.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200).plus(SLACK));

    DroppedEventCounts drops = DroppedEventCounts.of(context);
    assertThat(drops.count(org.slf4j.event.Level.INFO)).isEqualTo(29);
    assertThat(drops.count(org.slf4j.event.Level.ERROR)).isEqualTo(5);
    String report = err.toString(StandardCharsets.UTF_8);
    assertThat(report).hasLineCount(1);
    assertThat(report).isEqualTo("englog-logging: appender SHUTDOWN_TEST dropped 34 log events still queued "
        + "after maxFlushTime 200 ms (ERROR 5, WARN 0, INFO 29, DEBUG 0, TRACE 0); counted in "
        + "englog_logging_events_dropped_total" + System.lineSeparator());

    downstream.release.countDown(); // the event in flight is still written: nothing counted twice
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (downstream.total() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(downstream.total()).isEqualTo(1);
    assertThat(downstream.total() + drops.total()).isEqualTo(35);
    context.stop();
  }

  @Test
  void eventsAreWrittenInOrderWhenTheDownstreamKeepsUp() {
    CapturingAppender capture = new CapturingAppender();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    capture.setContext(context);
    JsonEncoder encoder = JsonEncoder.builder().build();
    encoder.setContext(context);
    encoder.start();
    capture.setEncoder(encoder);
    capture.start();
    BoundedAsyncAppender async = BoundedAsyncAppender.builder().queueSize(4).appender(capture).build();
    async.setContext(context);
    async.start();
    Logger logger = context.getLogger("app");
    logger.addAppender(async);
    for (int i = 0; i < 200; i++) {
      logger.warn("event {}", i); // waits for a slot rather than dropping: the worker keeps up
    }
    async.stop();
    assertThat(capture.lines()).extracting(l -> l.get("message").asText())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(i -> "event " + i)
            .collect(java.util.stream.Collectors.toList()));
    assertThat(DroppedEventCounts.of(context).total()).isZero();
    context.stop();
  }

  /** Starts an appender with {@code maxBlock} in logback.xml and the given lookups; returns its bound. */
  private static Duration maxBlock(LoggerContext context, String xml, Map<String, String> properties,
      Map<String, String> environment) {
    BoundedAsyncAppender async = new BoundedAsyncAppender();
    async.setContext(context);
    async.addAppender(new BlockedAppender());
    if (xml != null) {
      async.setMaxBlock(xml);
    }
    async.lookups(properties::get, environment::get);
    async.start();
    try {
      return async.getMaxBlock();
    } finally {
      async.stop();
    }
  }

  @Test
  void theWaitBoundIsASettingThatWinsOverTheConfiguration() {
    LoggerContext context = new LoggerContext();
    assertThat(maxBlock(context, "2 s", Map.of("englog.logging.max-block", "250ms"),
        Map.of("ENGLOG_LOGGING_MAX_BLOCK", "1s"))).isEqualTo(Duration.ofMillis(250));
    assertThat(maxBlock(context, "2 s", Map.of(), Map.of("ENGLOG_LOGGING_MAX_BLOCK", "PT0.05S")))
        .isEqualTo(Duration.ofMillis(50));
    assertThat(maxBlock(context, "2 s", Map.of(), Map.of())).isEqualTo(Duration.ofSeconds(2));
    assertThat(maxBlock(context, null, Map.of(), Map.of())).isEqualTo(BoundedAsyncAppender.DEFAULT_MAX_BLOCK);
    assertThat(BoundedAsyncAppender.DEFAULT_MAX_BLOCK).isEqualTo(Duration.ofMillis(100));
    Logback.assertNoErrors(context);

    assertThat(maxBlock(context, null, Map.of("englog.logging.max-block", "soon"), Map.of()))
        .isEqualTo(BoundedAsyncAppender.DEFAULT_MAX_BLOCK);
    assertThat(Logback.statuses(context, Status.ERROR)).anyMatch(m -> m.contains("englog.logging.max-block")
        && m.contains("'soon'") && m.contains("using 100 ms"));
  }

  @Test
  void theFlushIntervalIsASettingThatWinsOverTheConfiguration() {
    LoggerContext context = new LoggerContext();
    assertThat(flushInterval(context, "2 s", Map.of("englog.logging.flush-interval", "250ms"),
        Map.of("ENGLOG_LOGGING_FLUSH_INTERVAL", "1s"))).isEqualTo(Duration.ofMillis(250));
    assertThat(flushInterval(context, "2 s", Map.of(), Map.of("ENGLOG_LOGGING_FLUSH_INTERVAL", "0")))
        .isEqualTo(Duration.ZERO);
    assertThat(flushInterval(context, "2 s", Map.of(), Map.of())).isEqualTo(Duration.ofSeconds(2));
    assertThat(flushInterval(context, null, Map.of(), Map.of())).isEqualTo(Duration.ofSeconds(1));
    Logback.assertNoErrors(context);

    assertThat(flushInterval(context, "2 hours", Map.of(), Map.of())).isEqualTo(Duration.ofSeconds(1));
    assertThat(Logback.statuses(context, Status.ERROR)).anyMatch(m -> m.contains("flushInterval")
        && m.contains("'2 hours'") && m.contains("using 1000 ms"));
  }

  private static Duration flushInterval(LoggerContext context, String xml, Map<String, String> properties,
      Map<String, String> environment) {
    BoundedAsyncAppender async = new BoundedAsyncAppender();
    async.setContext(context);
    async.addAppender(new BlockedAppender());
    if (xml != null) {
      async.setFlushInterval(xml);
    }
    async.lookups(properties::get, environment::get);
    async.start();
    try {
      return async.getFlushInterval();
    } finally {
      async.stop();
    }
  }

  /**
   * A buffered target ({@code immediateFlush} false) is flushed by the worker within the interval; an
   * unbuffered one is left to flush itself.
   */
  @Test
  void aBufferedTargetIsFlushedWithinTheIntervalWithoutStopping() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    FlushCountingStream stream = new FlushCountingStream();
    OutputStreamAppender<ILoggingEvent> target = new OutputStreamAppender<>();
    target.setContext(context);
    JsonEncoder encoder = JsonEncoder.builder().build();
    encoder.setContext(context);
    encoder.start();
    target.setEncoder(encoder);
    target.setImmediateFlush(false);
    target.setOutputStream(stream);
    target.start();
    BoundedAsyncAppender async = BoundedAsyncAppender.builder().flushInterval(Duration.ofMillis(100))
        .appender(target).build();
    async.setContext(context);
    async.start();
    Logger logger = context.getLogger("app");
    logger.addAppender(async);
    try {
      for (int i = 0; i < 1000; i++) {
        logger.info("event {}", i);
      }
      // The bound is 100 ms; the rest is slack for a loaded machine, not a speed target.
      long deadline = System.nanoTime() + 3_000_000_000L;
      while (stream.flushedLines() < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(stream.flushedLines()).as("every line flushed while the appender runs").isEqualTo(1000);
      assertThat(stream.flushes.get()).as("flushed per batch, not per line").isLessThan(1000);
    } finally {
      async.stop();
      context.stop();
    }
  }

  /** Counts flushes, and the lines written before the last one. */
  static final class FlushCountingStream extends OutputStream {
    final AtomicInteger flushes = new AtomicInteger();
    private final AtomicInteger lines = new AtomicInteger();
    private volatile int flushed;

    @Override
    public void write(int b) {
      if (b == '\n') {
        lines.incrementAndGet();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    @Override
    public void flush() {
      flushes.incrementAndGet();
      flushed = lines.get();
    }

    int flushedLines() {
      return flushed;
    }
  }

  @Test
  void durationsReadAsDocumented() {
    assertThat(BoundedAsyncAppender.parseDuration("100")).isEqualTo(Duration.ofMillis(100));
    assertThat(BoundedAsyncAppender.parseDuration("100 ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(BoundedAsyncAppender.parseDuration("100 milliseconds")).isEqualTo(Duration.ofMillis(100));
    assertThat(BoundedAsyncAppender.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(BoundedAsyncAppender.parseDuration("1 minute")).isEqualTo(Duration.ofMinutes(1));
    assertThat(BoundedAsyncAppender.parseDuration("PT0.1S")).isEqualTo(Duration.ofMillis(100));
    assertThat(BoundedAsyncAppender.parseDuration("-1")).isNull();
    assertThat(BoundedAsyncAppender.parseDuration("10 hours")).isNull();
  }
}
