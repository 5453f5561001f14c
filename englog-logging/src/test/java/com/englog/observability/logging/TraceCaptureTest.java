package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import com.englog.observability.logging.internal.TraceContextCapture;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.MDC;

/**
 * Trace ids are those of the thread that logged, even when the encoder runs later on AsyncAppender's
 * worker, in pools, and on virtual threads. Real spans from the OpenTelemetry SDK.
 */
@SuppressWarnings("try") // scopes are closed by try-with-resources on purpose
class TraceCaptureTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private SdkTracerProvider tracerProvider;
  private Tracer tracer;
  private LoggerContext context;

  @BeforeEach
  void setUp() {
    tracerProvider = Tracers.provider();
    tracer = tracerProvider.get("trace-capture-test");
    context = new LoggerContext();
    context.setName("trace-capture");
    context.setMDCAdapter(MDC.getMDCAdapter());
    MDC.clear();
  }

  @AfterEach
  void tearDown() {
    context.stop();
    tracerProvider.close();
    MDC.clear();
  }

  /** Captures lines; appends (and so encodes) only after the gate opens; records the encoding threads. */
  static final class GatedAppender extends CapturingAppender {
    final CountDownLatch gate = new CountDownLatch(1);
    final Set<String> encodingThreads = ConcurrentHashMap.newKeySet();

    @Override
    protected void append(ILoggingEvent event) {
      try {
        if (!gate.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      encodingThreads.add(Thread.currentThread().getName());
      super.append(event);
    }
  }

  private JsonEncoder encoder() {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  /** Root logger → AsyncAppender → gated capturing appender with a JsonEncoder. */
  private GatedAppender asyncPipeline() {
    GatedAppender sink = new GatedAppender();
    sink.setContext(context);
    sink.setEncoder(encoder());
    sink.start();
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("ASYNC");
    async.setQueueSize(16_384);
    async.setDiscardingThreshold(0);
    async.setMaxFlushTime(60_000);
    async.addAppender(sink);
    async.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(async);
    return sink;
  }

  private CapturingAppender syncPipeline() {
    CapturingAppender sink = new CapturingAppender();
    sink.setContext(context);
    sink.setEncoder(encoder());
    sink.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(sink);
    return sink;
  }

  private static List<JsonNode> awaitLines(CapturingAppender sink, int count) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonNode> lines = Lines.parseAll(completeLines(sink.bytes()));
      if (lines.size() >= count) {
        assertThat(lines).hasSize(count);
        return lines;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("expected " + count + " lines, got " + Lines.parseAll(completeLines(sink.bytes())).size());
  }

  private static byte[] completeLines(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return java.util.Arrays.copyOf(bytes, end);
  }

  private static Map<String, JsonNode> byMessage(List<JsonNode> lines) {
    Map<String, JsonNode> m = new HashMap<>();
    for (JsonNode l : lines) {
      assertThat(m.put(l.get("message").asText(), l)).isNull();
    }
    return m;
  }

  private static void assertIds(JsonNode line, SpanContext expected) {
    assertThat(line.path("trace_id").asText()).as("trace_id of %s", line.get("message")).isEqualTo(expected.getTraceId());
    assertThat(line.path("span_id").asText()).as("span_id of %s", line.get("message")).isEqualTo(expected.getSpanId());
    assertThat(line.path("trace_flags").asText()).isEqualTo(expected.getTraceFlags().asHex());
  }

  @Test
  void synchronousAppenderWritesTheCurrentSpanAndNothingOutsideOne() throws Exception {
    CapturingAppender sink = syncPipeline();
    Logger log = context.getLogger("app");
    Span parent = tracer.spanBuilder("parent").startSpan();
    Span child;
    try (Scope ignored = parent.makeCurrent()) {
      log.info("in parent");
      child = tracer.spanBuilder("child").startSpan();
      try (Scope ignored2 = child.makeCurrent()) {
        log.info("in child");
      }
      log.info("back in parent");
    } finally {
      parent.end();
    }
    child.end();
    log.info("outside");

    Map<String, JsonNode> lines = byMessage(awaitLines(sink, 4));
    assertIds(lines.get("in parent"), parent.getSpanContext());
    assertIds(lines.get("in child"), child.getSpanContext());
    assertIds(lines.get("back in parent"), parent.getSpanContext());
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(lines.get("outside").has("trace_id")).isFalse();
    assertThat(lines.get("outside").has("englog.trace")).isFalse();
  }

  @Test
  void asyncAppenderWorkerWritesTheIdsCapturedOnTheLoggingThread() throws Exception {
    GatedAppender sink = asyncPipeline();
    Logger log = context.getLogger("app");
    int n = 200;
    List<SpanContext> spans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Span span = tracer.spanBuilder("op-" + i).startSpan();
      try (Scope ignored = span.makeCurrent()) {
        log.info("event {}", i);
      } finally {
        span.end();
      }
      spans.add(span.getSpanContext());
    }
    log.info("no span");
    // Every span has ended and this thread has no context: only a capture at logging time can be right.
    sink.gate.countDown();

    Map<String, JsonNode> lines = byMessage(awaitLines(sink, n + 1));
    for (int i = 0; i < n; i++) {
      assertIds(lines.get("event " + i), spans.get(i));
    }
    assertThat(lines.get("no span").has("trace_id")).isFalse();
    assertThat(sink.encodingThreads).isNotEmpty().doesNotContain(Thread.currentThread().getName());
  }

  @Test
  void poolWrappedWithContextTaskWrappingLogsTheSubmittersSpan() throws Exception {
    GatedAppender sink = asyncPipeline();
    Logger log = context.getLogger("app");
    ExecutorService raw = Executors.newFixedThreadPool(3);
    ExecutorService wrapped = Context.taskWrapping(raw);
    try {
      Map<String, SpanContext> expected = new HashMap<>();
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        Span span = tracer.spanBuilder("request-" + i).startSpan();
        String message = "task " + i;
        try (Scope ignored = span.makeCurrent()) {
          futures.add(wrapped.submit(() -> log.info(message)));
        } finally {
          span.end();
        }
        expected.put(message, span.getSpanContext());
      }
      for (Future<?> f : futures) {
        f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      }
      // The same pool threads, now without a span: an id left in their MDC by an earlier task must not
      // appear; nor may a span of the submitter when the executor is not wrapped.
      Span unpropagated = tracer.spanBuilder("not propagated").startSpan();
      List<Future<?>> later = new ArrayList<>();
      try (Scope ignored = unpropagated.makeCurrent()) {
        for (int i = 0; i < 30; i++) {
          String message = "unwrapped " + i;
          later.add(raw.submit(() -> log.info(message)));
        }
      } finally {
        unpropagated.end();
      }
      for (Future<?> f : later) {
        f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      }
      sink.gate.countDown();

      Map<String, JsonNode> lines = byMessage(awaitLines(sink, 330));
      expected.forEach((message, span) -> assertIds(lines.get(message), span));
      for (int i = 0; i < 30; i++) {
        assertThat(lines.get("unwrapped " + i).has("trace_id")).as("unwrapped %d", i).isFalse();
      }
    } finally {
      raw.shutdownNow();
    }
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void virtualThreadsLogTheirOwnOrTheSubmittersSpan() throws Exception {
    GatedAppender sink = asyncPipeline();
    Logger log = context.getLogger("app");
    ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    ExecutorService wrapped = Context.taskWrapping(virtual);
    try {
      int n = 1000;
      Map<String, SpanContext> expected = new ConcurrentHashMap<>();
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String propagated = "propagated " + i;
        String own = "own " + i;
        Span span = tracer.spanBuilder("submit-" + i).startSpan();
        try (Scope ignored = span.makeCurrent()) {
          futures.add(wrapped.submit(() -> {
            log.info(propagated);
            Span inner = tracer.spanBuilder("inner").startSpan();
            try (Scope ignored2 = inner.makeCurrent()) {
              Thread.yield(); // let the carrier run other virtual threads in between
              log.info(own);
            } finally {
              inner.end();
            }
            expected.put(own, inner.getSpanContext());
          }));
        } finally {
          span.end();
        }
        expected.put(propagated, span.getSpanContext());
      }
      for (Future<?> f : futures) {
        f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      }
      sink.gate.countDown();
      Map<String, JsonNode> lines = byMessage(awaitLines(sink, 2 * n));
      expected.forEach((message, span) -> assertIds(lines.get(message), span));
      assertThat(lines.get("own 0").get("thread").asText()).startsWith("virtual-");
    } finally {
      virtual.shutdownNow();
    }
  }

  @Test
  void captureRunsBeforeATurboFilterThatAcceptsADisabledLevel() throws Exception {
    CapturingAppender sink = syncPipeline();
    TurboFilter acceptAll = new TurboFilter() {
      @Override
      public ch.qos.logback.core.spi.FilterReply decide(org.slf4j.Marker marker, Logger logger, Level level,
          String format, Object[] params, Throwable t) {
        return ch.qos.logback.core.spi.FilterReply.ACCEPT;
      }
    };
    acceptAll.setContext(context);
    acceptAll.start();
    context.addTurboFilter(acceptAll);
    assertThat(context.getTurboFilterList().get(0)).isInstanceOf(TraceContextCapture.class);

    Span span = tracer.spanBuilder("debugging").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      context.getLogger("app").debug("accepted although DEBUG is off");
    } finally {
      span.end();
    }
    assertIds(awaitLines(sink, 1).get(0), span.getSpanContext());
  }

  @Test
  void aDisabledCallLeavesTheMdcAlone() {
    syncPipeline();
    Span span = tracer.spanBuilder("quiet").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      context.getLogger("app").debug("disabled");
      assertThat(MDC.get(TraceContextCapture.MDC_KEY)).isNull();
      context.getLogger("app").info("enabled");
      assertThat(MDC.get(TraceContextCapture.MDC_KEY)).startsWith(span.getSpanContext().getTraceId());
    } finally {
      span.end();
    }
  }

  @Test
  void oneCaptureFilterPerContextAcrossEncodersAndReconfiguration() {
    encoder();
    encoder();
    assertThat(context.getTurboFilterList().stream().filter(f -> f instanceof TraceContextCapture)).hasSize(1);
    Span span = tracer.spanBuilder("op").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      context.reset();
      // Still there (a reset clears turbo filters), but silent: no encoder of the new configuration wants it.
      assertThat(context.getTurboFilterList().stream().filter(f -> f instanceof TraceContextCapture)).hasSize(1);
      context.getLogger("app").info("between configurations");
      assertThat(MDC.get(TraceContextCapture.MDC_KEY)).isNull();
      encoder();
      context.getLogger("app").info("configured again");
      assertThat(MDC.get(TraceContextCapture.MDC_KEY)).startsWith(span.getSpanContext().getTraceId());
    } finally {
      span.end();
    }
    assertThat(context.getTurboFilterList().stream().filter(f -> f instanceof TraceContextCapture)).hasSize(1);
    context.stop();
    assertThat(TraceContextCapture.isInstalled(context)).isFalse();
  }

  private static final String JSON_CAPTURE = Logback.withEncoder("");

  /** A span's ids, run in it and ended. */
  private SpanContext inSpan(String name, Runnable body) {
    Span span = tracer.spanBuilder(name).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      body.run();
    } finally {
      span.end();
    }
    return span.getSpanContext();
  }

  @Test
  void aJoranReloadKeepsTheCaptureAndEveryLineHasItsOwnSpan() throws Exception {
    Logback.configure(context, JSON_CAPTURE);
    Logger log = context.getLogger("app");
    SpanContext a = inSpan("a", () -> log.info("before reload"));
    CapturingAppender before = Logback.capture(context, "CAPTURE");
    context.reset(); // what JoranConfigurator does on a reload, scan="true" included
    Logback.configure(context, JSON_CAPTURE);
    Logback.assertNoErrors(context);
    SpanContext b = inSpan("b", () -> log.info("after reload"));
    log.info("no span");

    assertIds(awaitLines(before, 1).get(0), a);
    Map<String, JsonNode> after = byMessage(awaitLines(Logback.capture(context, "CAPTURE"), 2));
    assertIds(after.get("after reload"), b);
    assertThat(after.get("no span").has("trace_id")).isFalse();
    assertThat(context.getTurboFilterList().stream().filter(f -> f instanceof TraceContextCapture)).hasSize(1);
  }

  /**
   * An appender made in code, kept across a reset and attached again (its encoder is still started):
   * the thread's MDC still holds the entry of the span before the reset, which must never be written for
   * a later span. The first line after the reset has no ids; from the next one on, the right ones.
   */
  @Test
  void anEncoderThatOutlivesAResetNeverWritesAnEarlierSpansIds() throws Exception {
    CapturingAppender sink = syncPipeline();
    Logger log = context.getLogger("app");
    SpanContext a = inSpan("a", () -> log.info("in a"));
    context.reset(); // detaches and stops the appender, not its encoder
    sink.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(sink);
    SpanContext b = inSpan("b", () -> {
      log.info("first in b");
      log.info("second in b");
    });

    Map<String, JsonNode> lines = byMessage(awaitLines(sink, 3));
    assertIds(lines.get("in a"), a);
    assertThat(lines.get("first in b").has("trace_id")).as("first line after the reset: no ids, not a's").isFalse();
    assertIds(lines.get("second in b"), b);
  }

  /** After reconfiguration to another layout, the entry left on a thread is removed, not printed stale. */
  @Test
  void reconfiguredWithoutJsonEncoderNoLayoutSeesAStaleEntry() throws Exception {
    Logback.configure(context, JSON_CAPTURE);
    Logger log = context.getLogger("app");
    inSpan("a", () -> log.info("json"));
    context.reset();
    Logback.configure(context, PATTERN_CAPTURE);
    Logback.assertNoErrors(context);
    inSpan("b", () -> log.info("pattern"));
    assertThat(Lines.text(Logback.capture(context, "CAPTURE").bytes())).isEqualTo("[]pattern\n");
  }

  private static final String PATTERN_CAPTURE = "<configuration>\n"
      + "  <appender name=\"CAPTURE\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
      + "    <encoder><pattern>[%X{englog.trace}]%msg%n</pattern></encoder>\n"
      + "  </appender>\n"
      + "  <root level=\"INFO\"><appender-ref ref=\"CAPTURE\"/></root>\n"
      + "</configuration>\n";

  /**
   * Other layouts on the same context see the entry: a pattern can print the ids with
   * {@code %X{englog.trace}}, and logstash-logback-encoder writes it as an MDC field unless told with
   * {@code <excludeMdcKeyName>}.
   */
  @Test
  void otherLayoutsOnTheSameContextSeeTheEntryAndLogstashCanExcludeIt() throws Exception {
    Logback.configure(context, "<configuration>\n"
        + "  <appender name=\"CAPTURE\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
        + "    <encoder class=\"com.englog.observability.logging.JsonEncoder\"/>\n"
        + "  </appender>\n"
        + "  <appender name=\"PATTERN\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
        + "    <encoder><pattern>%X{englog.trace} %msg%n</pattern></encoder>\n"
        + "  </appender>\n"
        + "  <appender name=\"LOGSTASH\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
        + "    <encoder class=\"net.logstash.logback.encoder.LogstashEncoder\"/>\n"
        + "  </appender>\n"
        + "  <appender name=\"LOGSTASH_EXCLUDING\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
        + "    <encoder class=\"net.logstash.logback.encoder.LogstashEncoder\">\n"
        + "      <excludeMdcKeyName>englog.trace</excludeMdcKeyName>\n"
        + "    </encoder>\n"
        + "  </appender>\n"
        + "  <root level=\"INFO\">\n"
        + "    <appender-ref ref=\"CAPTURE\"/><appender-ref ref=\"PATTERN\"/>\n"
        + "    <appender-ref ref=\"LOGSTASH\"/><appender-ref ref=\"LOGSTASH_EXCLUDING\"/>\n"
        + "  </root>\n"
        + "</configuration>\n");
    Logback.assertNoErrors(context);
    SpanContext span = inSpan("op", () -> context.getLogger("app").info("hello"));
    String ids = span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();

    assertIds(awaitLines(Logback.capture(context, "CAPTURE"), 1).get(0), span);
    assertThat(Lines.text(Logback.capture(context, "PATTERN").bytes())).isEqualTo(ids + " hello\n");
    assertThat(Lines.tree(Lines.text(Logback.capture(context, "LOGSTASH").bytes())).get("englog.trace").asText())
        .isEqualTo(ids);
    assertThat(Lines.tree(Lines.text(Logback.capture(context, "LOGSTASH_EXCLUDING").bytes())).has("englog.trace"))
        .isFalse();
  }

  @Test
  void eachLoggerContextCapturesForItsOwnEncodersWithItsOwnMdcAdapter() throws Exception {
    LoggerContext other = new LoggerContext();
    other.setName("other");
    other.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      Logback.configure(other, JSON_CAPTURE);
      CapturingAppender mine = syncPipeline();
      SpanContext a = inSpan("a", () -> {
        context.getLogger("app").info("mine");
        other.getLogger("app").info("other's");
      });
      context.stop(); // the other context keeps its capture
      SpanContext b = inSpan("b", () -> other.getLogger("app").info("other's, later"));

      assertIds(awaitLines(mine, 1).get(0), a);
      Map<String, JsonNode> lines = byMessage(awaitLines(Logback.capture(other, "CAPTURE"), 2));
      assertIds(lines.get("other's"), a);
      assertIds(lines.get("other's, later"), b);
    } finally {
      other.stop();
    }
  }

  @Test
  void anyMdcAdapterOfTheContextWorks() throws Exception {
    LoggerContext basic = new LoggerContext();
    basic.setMDCAdapter(new org.slf4j.helpers.BasicMDCAdapter());
    try {
      Logback.configure(basic, JSON_CAPTURE);
      SpanContext a = inSpan("a", () -> basic.getLogger("app").info("basic adapter"));
      assertIds(awaitLines(Logback.capture(basic, "CAPTURE"), 1).get(0), a);
    } finally {
      basic.stop();
    }
  }

  /** A started turbo filter of this context answering {@code reply} for one marker, NEUTRAL otherwise. */
  private TurboFilter markerFilter(String markerName, ch.qos.logback.core.spi.FilterReply reply) {
    TurboFilter filter = new TurboFilter() {
      @Override
      public ch.qos.logback.core.spi.FilterReply decide(org.slf4j.Marker marker, Logger logger, Level level,
          String format, Object[] params, Throwable t) {
        return marker != null && marker.getName().equals(markerName) ? reply
            : ch.qos.logback.core.spi.FilterReply.NEUTRAL;
      }
    };
    filter.setContext(context);
    filter.start();
    return filter;
  }

  @Test
  void aTurboFilterThatDeniesDropsOnlyItsEventsAndTheOthersKeepTheirIds() throws Exception {
    CapturingAppender sink = syncPipeline();
    context.addTurboFilter(markerFilter("NOISY", ch.qos.logback.core.spi.FilterReply.DENY)); // after the capture
    org.slf4j.Marker noisy = org.slf4j.MarkerFactory.getDetachedMarker("NOISY");
    Logger log = context.getLogger("app");
    inSpan("a", () -> log.info(noisy, "denied"));
    SpanContext b = inSpan("b", () -> {
      log.info(noisy, "denied too");
      log.info("kept");
    });
    inSpan("c", () -> log.info(noisy, "denied again"));
    log.info("kept, no span");

    Map<String, JsonNode> lines = byMessage(awaitLines(sink, 2));
    assertIds(lines.get("kept"), b);
    assertThat(lines.get("kept, no span").has("trace_id")).isFalse();
  }

  /**
   * A filter put first later (getTurboFilterList().add(0, …)) that ACCEPTs some events lets them through
   * before the turbo filter capture runs: the capture when logback makes the event still gives them
   * their ids, and the filter takes the first place back when the next event is encoded.
   */
  @Test
  void aTurboFilterInsertedBeforeTheCaptureIsMovedBehindIt() throws Exception {
    CapturingAppender sink = syncPipeline();
    TurboFilter accept = markerFilter("AUDIT", ch.qos.logback.core.spi.FilterReply.ACCEPT);
    context.getTurboFilterList().add(0, accept);
    org.slf4j.Marker audit = org.slf4j.MarkerFactory.getDetachedMarker("AUDIT");
    Logger log = context.getLogger("app");
    SpanContext a = inSpan("a", () -> log.info(audit, "first audit"));
    SpanContext b = inSpan("b", () -> log.info(audit, "second audit"));

    assertThat(context.getTurboFilterList().get(0)).isInstanceOf(TraceContextCapture.class);
    assertThat(context.getTurboFilterList()).contains(accept);
    Map<String, JsonNode> lines = byMessage(awaitLines(sink, 2));
    assertIds(lines.get("first audit"), a);
    assertIds(lines.get("second audit"), b);
  }

  @Test
  void captureCanBeTurnedOff() throws Exception {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setCaptureTraceContext(false);
    encoder.start();
    CapturingAppender sink = new CapturingAppender();
    sink.setContext(context);
    sink.setEncoder(encoder);
    sink.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(sink);
    assertThat(TraceContextCapture.isInstalled(context)).isFalse();
    Span span = tracer.spanBuilder("x").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      context.getLogger("app").info("no capture");
    } finally {
      span.end();
    }
    assertThat(awaitLines(sink, 1).get(0).has("trace_id")).isFalse();
  }
}
