package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.tracing.internal.AgentDetector;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decision around the agent, with the bootstrap lookup replaced by a predicate; {@code
 * AgentDetectionIT} checks the real lookup in a child JVM.
 */
class AgentDetectionTest {

  private static final AgentDetector AGENT_ATTACHED =
      new AgentDetector(name -> name.equals(AgentDetector.AGENT_MARKER_CLASS));
  private static final AgentDetector NO_AGENT = new AgentDetector(name -> false);

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void withTheAgentAttachedTheBuilderReusesItsSdkInsteadOfInstallingASecondOne() {
    InMemorySpanExporter agentExporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk agentSdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(agentExporter)).build())
        .build()) {
      GlobalOpenTelemetry.set(agentSdk); // what the agent does at startup

      try (Tracing tracing = Tracing.builder().agentDetector(AGENT_ATTACHED).serviceName("ignored-by-agent")
          .databaseServer("db.internal", 5432).configuration(Map.of(), Map.of()).build()) {
        assertThat(tracing.mode()).isEqualTo(Tracing.Mode.AGENT);
        tracing.traceDbQuery("select", "journals", () -> 1);
      }

      List<SpanData> spans = agentExporter.getFinishedSpanItems();
      assertThat(spans).extracting(SpanData::getName).containsExactly("select journals");
      assertThat(spans.get(0).getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("db.internal");
    }
  }

  @Test
  void anAttachedButDisabledAgentIsIgnored() {
    try (Tracing tracing = Tracing.builder().agentDetector(AGENT_ATTACHED)
        .configuration(Map.of("otel.javaagent.enabled", "false"), Map.of("OTEL_TRACES_EXPORTER", "none")).build()) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.SDK);
    }
    try (Tracing tracing = Tracing.builder().agentDetector(AGENT_ATTACHED)
        .configuration(Map.of(), Map.of("OTEL_JAVAAGENT_ENABLED", "false", "OTEL_TRACES_EXPORTER", "none")).build()) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.SDK);
    }
  }

  @Test
  void withoutTheAgentTheBuilderInstallsItsOwnSdk() {
    try (Tracing tracing = Tracing.builder().agentDetector(NO_AGENT)
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).build()) {
      assertThat(tracing.mode()).isEqualTo(Tracing.Mode.SDK);
      assertThat(GlobalOpenTelemetry.isSet()).as("library code leaves the global alone").isFalse();
    }
  }

  @Test
  void theRealDetectorFindsNoAgentInThisJvm() {
    assertThat(AgentDetector.BOOTSTRAP.agentActive(
        com.englog.observability.tracing.internal.ConfigLayers.injected(Map.of(), Map.of(), Map.of()))).isFalse();
  }

  @Test
  void registerGlobalMakesTheSdkGlobalAndRefusesASecondOne() {
    try (Tracing first = Tracing.builder().agentDetector(NO_AGENT).registerGlobal(true)
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).build()) {
      assertThat(GlobalOpenTelemetry.isSet()).isTrue();
      Tracing.Builder second = Tracing.builder().agentDetector(NO_AGENT)
          .registerGlobal(true).configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none"));
      org.assertj.core.api.Assertions.assertThatThrownBy(second::build)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("GlobalOpenTelemetry is already set");
      assertThat(first.mode()).isEqualTo(Tracing.Mode.SDK);
    }
  }
}
