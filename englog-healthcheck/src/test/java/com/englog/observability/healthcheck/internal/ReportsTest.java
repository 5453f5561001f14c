package com.englog.observability.healthcheck.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {

  @Test
  void textFromPrometheusCannotWriteTerminalEscapesOrExtraLinesIntoTheReport() {
    CheckOutcome hostile = new CheckOutcome("metric", "Error rate\u001b[2J", CheckOutcome.Result.FAIL,
        "7 is not < 5 for {instance=\"a\u001b[31mred\r\nFAIL  fake line\"}", Map.of());

    String text = Reports.text("health check", "production", Instant.parse("2026-01-01T00:00:00Z"), List.of(hostile));
    String slack = Reports.slack("Health check", "production", List.of(hostile));

    assertThat(text).doesNotContain("\u001b", "\r").contains("a [31mred  FAIL  fake line");
    assertThat(text.lines().filter(l -> l.contains("FAIL"))).hasSize(1);
    assertThat(slack).doesNotContain("\\u001b", "\\r\\n");
  }
}
