package com.englog.observability.benchmarks;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.englog.observability.logging.JsonEncoder;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One logging event encoded to bytes by EngLog's {@code JsonEncoder} (redaction
 * on, its default, and off), logstash-logback-encoder's {@code LogstashEncoder} (defaults), logback's own
 * {@code JsonEncoder} (configured for the same fields: formatted message, no raw arguments, no context,
 * no sequence number) and a {@code PatternLayoutEncoder} baseline. Three event shapes: {@code plain}
 * (message only), {@code mdcTraceArgs} (two MDC entries, trace and span ids, a message with two
 * arguments) and {@code exceptionChain} (a three-deep cause chain thrown 25 frames down). Each encoder
 * gets its own copy of the event with the same content; trace ids sit in the MDC in the form each
 * encoder reads (the MDC keys of OpenTelemetry's logback instrumentation for the competitors, the entry
 * written by EngLog's capture filter for EngLog).
 *
 * <p>Targets (median of per-fork ratios): EngLog with redaction at least 1.5x LogstashEncoder's
 * throughput and faster than logback's JsonEncoder on every shape, with fewer bytes allocated per event
 * ({@code -prof gc}, {@code gc.alloc.rate.norm}) than either.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(3)
@State(Scope.Thread)
public class LogEncoderBenchmark {

  @Param({"plain", "mdcTraceArgs", "exceptionChain"})
  public String shape;

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private LoggerContext context;
  private JsonEncoder englog;
  private JsonEncoder englogNoRedaction;
  private LogstashEncoder logstash;
  private ch.qos.logback.classic.encoder.JsonEncoder logbackJson;
  private PatternLayoutEncoder pattern;

  private ILoggingEvent englogEvent;
  private ILoggingEvent englogNoRedactionEvent;
  private ILoggingEvent logstashEvent;
  private ILoggingEvent logbackJsonEvent;
  private ILoggingEvent patternEvent;

  @Setup(Level.Trial)
  public void setUp() {
    context = new LoggerContext();
    context.setName("bench");

    englog = new JsonEncoder();
    englog.setContext(context);
    englog.setServiceName("englog-api");
    englog.setCaptureTraceContext(false); // encoding only; the capture runs on the logging thread
    englog.start();

    englogNoRedaction = new JsonEncoder();
    englogNoRedaction.setContext(context);
    englogNoRedaction.setServiceName("englog-api");
    englogNoRedaction.setRedaction(false);
    englogNoRedaction.setCaptureTraceContext(false);
    englogNoRedaction.start();

    logstash = new LogstashEncoder();
    logstash.setContext(context);
    logstash.setCustomFields("{\"service\":\"englog-api\"}");
    logstash.start();

    logbackJson = new ch.qos.logback.classic.encoder.JsonEncoder();
    logbackJson.setContext(context);
    logbackJson.setWithFormattedMessage(true);
    logbackJson.setWithMessage(false);
    logbackJson.setWithArguments(false);
    logbackJson.setWithContext(false);
    logbackJson.setWithSequenceNumber(false);
    logbackJson.setWithNanoseconds(false);
    logbackJson.start();

    pattern = new PatternLayoutEncoder();
    pattern.setContext(context);
    pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z', UTC} %-5level [%thread] %logger - %msg %mdc%n");
    pattern.start();

    englogEvent = event(true);
    englogNoRedactionEvent = event(true);
    logstashEvent = event(false);
    logbackJsonEvent = event(false);
    patternEvent = event(false);
    // Sanity: every encoder produces something for this shape before measuring.
    List<Encoder<ILoggingEvent>> all = List.of(englog, englogNoRedaction, logstash, logbackJson, pattern);
    for (Encoder<ILoggingEvent> e : all) {
      if (e.encode(englogEvent).length == 0) {
        throw new IllegalStateException(e.getClass().getName() + " wrote nothing");
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    englog.stop();
    englogNoRedaction.stop();
    logstash.stop();
    logbackJson.stop();
    pattern.stop();
    context.stop();
  }

  private ILoggingEvent event(boolean englogTraceForm) {
    Logger logger = context.getLogger("com.englog.api.journal.JournalService");
    LoggingEvent e;
    Map<String, String> mdc = new LinkedHashMap<>();
    switch (shape) {
      case "plain":
        e = new LoggingEvent(Logger.class.getName(), logger, ch.qos.logback.classic.Level.INFO,
            "Journal entry saved", null, null);
        break;
      case "mdcTraceArgs":
        e = new LoggingEvent(Logger.class.getName(), logger, ch.qos.logback.classic.Level.INFO,
            "Processed journal {} for user {}", null, new Object[] {"j-7f3a9c21", 42L});
        mdc.put("request_id", "req-5f1c2b7e9d");
        mdc.put("user_id", "42");
        if (englogTraceForm) {
          mdc.put("englog.trace", TRACE_ID + "-" + SPAN_ID + "-01");
        } else {
          mdc.put("trace_id", TRACE_ID);
          mdc.put("span_id", SPAN_ID);
          mdc.put("trace_flags", "01");
        }
        break;
      case "exceptionChain":
        e = new LoggingEvent(Logger.class.getName(), logger, ch.qos.logback.classic.Level.ERROR,
            "Failed to summarize journal", exceptionChain(), null);
        break;
      default:
        throw new IllegalArgumentException(shape);
    }
    e.setThreadName("http-nio-8080-exec-7");
    e.setMDCPropertyMap(mdc);
    e.prepareForDeferredProcessing();
    return e;
  }

  /** RuntimeException <- IllegalStateException <- IOException, thrown 25 frames below the caller. */
  static Throwable exceptionChain() {
    try {
      descend(25);
      throw new AssertionError("unreachable");
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static void descend(int depth) {
    if (depth > 0) {
      descend(depth - 1);
      return;
    }
    try {
      try {
        throw new IOException("connection reset by peer");
      } catch (IOException io) {
        throw new IllegalStateException("AI provider call failed", io);
      }
    } catch (IllegalStateException ise) {
      throw new RuntimeException("summarize task failed", ise);
    }
  }

  @Benchmark
  public byte[] englog() {
    return englog.encode(englogEvent);
  }

  @Benchmark
  public byte[] englogRedactionOff() {
    return englogNoRedaction.encode(englogNoRedactionEvent);
  }

  @Benchmark
  public byte[] logstash() {
    return logstash.encode(logstashEvent);
  }

  @Benchmark
  public byte[] logbackJson() {
    return logbackJson.encode(logbackJsonEvent);
  }

  @Benchmark
  public byte[] patternLayout() {
    return pattern.encode(patternEvent);
  }
}
