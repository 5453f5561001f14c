package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Debian's exporters start on a free loopback port and serve their metrics; a bad start says why. */
class ExporterServerIT {

  @Test
  void nodeExporterServesItsMetricsOnLoopback() {
    try (ExporterServer node = ExporterServer.builder(ExternalTool.NODE_EXPORTER).start()) {
      assertThat(node.baseUri().getHost()).isEqualTo("127.0.0.1");
      assertThat(node.scrape()).contains("# TYPE node_cpu_seconds_total counter");
    }
  }

  @Test
  void anExporterThatCannotStartFailsWithItsLog() {
    ExternalTool.NODE_EXPORTER.require();
    assertThatThrownBy(() -> ExporterServer.builder(ExternalTool.NODE_EXPORTER)
        .flag("--no-such-flag").start())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("prometheus-node-exporter exited")
        .hasMessageContaining("no-such-flag");
  }
}
