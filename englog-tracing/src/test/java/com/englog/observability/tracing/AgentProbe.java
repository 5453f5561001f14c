package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.AgentDetector;
import com.englog.observability.tracing.internal.ConfigLayers;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.HashMap;
import java.util.Map;

/** Run by AgentDetectionIT in a child JVM: prints what the real detector and the builder decide. */
final class AgentProbe {

  private AgentProbe() {}

  public static void main(String[] args) {
    boolean active = AgentDetector.BOOTSTRAP.agentActive(ConfigLayers.system(Map.of()));
    // Stands in for the agent's SDK: the agent sets the global before main runs.
    OpenTelemetry agentSdk = OpenTelemetry.noop();
    GlobalOpenTelemetry.set(agentSdk);
    Map<String, String> properties = new HashMap<>();
    System.getProperties().stringPropertyNames().forEach(name -> properties.put(name, System.getProperty(name)));
    try (Tracing tracing = Tracing.builder()
        .configuration(properties, Map.of("OTEL_TRACES_EXPORTER", "none")).build()) {
      System.out.println("agentActive=" + active + " mode=" + tracing.mode() + " facade=" + Traces.get().mode());
    }
  }
}
