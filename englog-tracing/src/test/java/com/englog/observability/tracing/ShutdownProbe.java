package com.englog.observability.tracing;

import io.opentelemetry.api.trace.Span;

/**
 * Run by ShutdownHookIT in a child JVM, exporting over OTLP to the endpoint in {@code args[0]}:
 * {@code drain} plays a service whose own shutdown hook ends a span while draining and then closes
 * tracing (built with {@code shutdownHook(false)}); {@code forgotten} never closes its instance and
 * relies on the library's hook.
 */
final class ShutdownProbe {

  private ShutdownProbe() {}

  public static void main(String[] args) {
    String endpoint = args[0];
    boolean drain = args[1].equals("drain");
    Tracing tracing = Tracing.builder().serviceName("shutdown-probe")
        .property("otel.exporter.otlp.endpoint", endpoint)
        .property("otel.exporter.otlp.protocol", "http/protobuf")
        .property("otel.traces.sampler", "always_on")
        .shutdownHook(!drain)
        .build();
    if (drain) {
      Span inFlight = tracing.tracer().spanBuilder("in-flight-request").startSpan();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Thread.sleep(500); // the drain: in-flight work finishes after every hook has started
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        inFlight.end();
        tracing.close();
      }, "service-shutdown"));
    } else {
      tracing.tracer().spanBuilder("never-closed").startSpan().end();
    }
    System.out.println("probe exiting");
  }
}
