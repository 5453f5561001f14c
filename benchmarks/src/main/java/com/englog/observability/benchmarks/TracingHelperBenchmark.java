package com.englog.observability.benchmarks;

import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * T1: {@code traceDbQuery} around a no-op versus the raw OpenTelemetry SDK doing the same work by
 * hand (spanBuilder with the same name, kind and attributes, {@code db.query.summary} included,
 * startSpan, makeCurrent, end, error handling). Both sides use an identical SDK pipeline: parent-based ratio-1.0 sampler, the SDK's
 * BatchSpanProcessor with default queue, an exporter that succeeds at once. Target: ours ÷ raw ≤ 1.1.
 * {@code *_noop} shows what the helper costs when tracing is off.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class TracingHelperBenchmark {

  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
  private static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey("db.collection.name");
  private static final AttributeKey<String> DB_QUERY_SUMMARY = AttributeKey.stringKey("db.query.summary");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final Object RESULT = new Object();

  /** Accepts every batch at once, like OpenTelemetry's own SpanRecordBenchmark. */
  static final class NoopExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private Tracing tracing;
  private Tracing noopTracing;
  private SdkTracerProvider rawProvider;
  private Tracer rawTracer;

  @Setup(Level.Trial)
  public void setUp() {
    tracing = Tracing.builder()
        .serviceName("benchmark")
        .property("otel.traces.sampler.arg", "1.0")
        .spanExporter(new NoopExporter())
        .configuration(Map.of(), Map.of())
        .build();
    noopTracing = Tracing.noop();
    rawProvider = SdkTracerProvider.builder()
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(1.0)))
        .addSpanProcessor(BatchSpanProcessor.builder(new NoopExporter()).build())
        .build();
    rawTracer = rawProvider.get("benchmark");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracing.close();
    rawProvider.close();
  }

  private static Object work() {
    return RESULT;
  }

  @Benchmark
  public Object traceDbQuery_englog() {
    return tracing.traceDbQuery("insert", "journals", TracingHelperBenchmark::work);
  }

  @Benchmark
  @SuppressWarnings("try")
  public Object traceDbQuery_rawSdk() {
    Span span = rawTracer.spanBuilder("insert journals")
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(DB_SYSTEM, "postgresql")
        .setAttribute(DB_OPERATION, "insert")
        .setAttribute(DB_COLLECTION, "journals")
        .setAttribute(DB_QUERY_SUMMARY, "insert journals")
        .startSpan();
    try (Scope scope = span.makeCurrent()) {
      return work();
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR, e.getMessage());
      span.setAttribute(ERROR_TYPE, e.getClass().getName());
      span.recordException(e);
      throw e;
    } finally {
      span.end();
    }
  }

  @Benchmark
  public Object traceDbQuery_englogNoop() {
    return noopTracing.traceDbQuery("insert", "journals", TracingHelperBenchmark::work);
  }

  @Benchmark
  public Object baseline_work() {
    return work();
  }
}
