package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A Tracing that exports into memory, with no influence from this machine's OTEL_* settings. */
final class InMemoryTracing implements AutoCloseable {

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final Tracing tracing;

  InMemoryTracing() {
    this(b -> {});
  }

  InMemoryTracing(Consumer<Tracing.Builder> customizer) {
    Tracing.Builder builder = Tracing.builder()
        .serviceName("test-service")
        .configuration(Map.of(), Map.of())
        .spanExporter(exporter);
    customizer.accept(builder);
    tracing = builder.build();
  }

  /** Every span ended so far, after flushing the batch queue. */
  List<SpanData> spans() {
    assertThat(tracing.forceFlush(Duration.ofSeconds(30))).as("flushed").isTrue();
    return exporter.getFinishedSpanItems();
  }

  SpanData span(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span named " + name + " in " + spans()));
  }

  @Override
  public void close() {
    tracing.close();
  }
}
