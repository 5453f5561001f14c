package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reader behind {@code droppedSpans()} and {@code queuedSpans()}, on a pipeline wired as
 * autoconfigure wires it (the batch processor reporting to an SDK meter provider with this reader).
 * Both namings of the processor's telemetry are read; a processor that reports neither (what a rename
 * in a later SDK would look like to us) must be loud, not a counter that silently stays 0.
 */
class ProcessorTelemetryTest {

  private static final Logger JUL = Logger.getLogger(ProcessorTelemetry.class.getName());

  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (logged) {
        logged.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  ProcessorTelemetryTest() {
    JUL.addHandler(handler);
    JUL.setUseParentHandlers(false); // the expected WARNING is asserted, not printed
  }

  @AfterEach
  void detach() {
    JUL.removeHandler(handler);
    JUL.setUseParentHandlers(true);
  }

  /** Ends spans through a real SDK pipeline, two exports' worth and one more. */
  private static ExportStats run(InternalTelemetryVersion version, boolean reporting) {
    ExportStats stats = new ExportStats();
    ProcessorTelemetry telemetry = new ProcessorTelemetry();
    stats.telemetry(telemetry);
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(telemetry).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(BatchSpanProcessor.builder(new CountingSpanExporter(InMemorySpanExporter.create(), stats, telemetry))
            .setMeterProvider(reporting ? meters : MeterProvider.noop()).setInternalTelemetryVersion(version).build())
        .build();
    try {
      for (int export = 1; export <= 3; export++) {
        provider.get("test").spanBuilder("span").startSpan().end();
        provider.forceFlush().join(30, TimeUnit.SECONDS);
        // The SDK's forceFlush may hand back the previous flush's result when called right after it
        // completed; wait for this span's own export so that every span is one export.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stats.exportedSpans() < export && System.nanoTime() < deadline) {
          provider.forceFlush().join(1, TimeUnit.SECONDS);
        }
        assertThat(stats.exportedSpans()).as("export %d", export).isEqualTo(export);
      }
      assertThat(stats.queuedSpans()).isZero();
      assertThat(stats.droppedSpans()).isZero();
    } finally {
      provider.shutdown().join(30, TimeUnit.SECONDS);
      meters.shutdown().join(30, TimeUnit.SECONDS);
    }
    return stats;
  }

  private List<String> warnings() {
    synchronized (logged) {
      return logged.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
          .map(LogRecord::getMessage).toList();
    }
  }

  @Test
  void theDefaultLegacyInstrumentsAreFound() {
    ExportStats stats = run(InternalTelemetryVersion.LEGACY, true);

    assertThat(stats.uncounted()).isNull();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void theLatestInstrumentsAreFoundToo() {
    ExportStats stats = run(InternalTelemetryVersion.LATEST, true);

    assertThat(stats.uncounted()).isNull();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aProcessorThatNoLongerReportsTheInstrumentsIsLoudAndMarksTheStats() {
    ExportStats stats = run(InternalTelemetryVersion.LEGACY, false);

    assertThat(stats.uncounted()).contains(ProcessorTelemetry.LEGACY_PROCESSED, ProcessorTelemetry.PROCESSED,
        ProcessorTelemetry.LEGACY_QUEUE_SIZE, ProcessorTelemetry.QUEUE_SIZE);
    assertThat(warnings()).singleElement().asString()
        .contains("cannot count dropped or queued spans", ProcessorTelemetry.PROCESSED, ProcessorTelemetry.QUEUE_SIZE);
  }
}
