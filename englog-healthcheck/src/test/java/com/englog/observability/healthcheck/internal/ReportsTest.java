package com.englog.observability.healthcheck.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {

  @Test
  void jsonWritesWholeNumbersWithoutFractionAndNonFiniteValuesAsText() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("threshold", 80.0);
    data.put("value", 0.25);
    data.put("attainment", Double.NaN);
    data.put("objective", Double.POSITIVE_INFINITY);
    data.put("duration_ms", 16L);
    data.put("status_code", 200);
    data.put("availability", null);
    CheckOutcome o = new CheckOutcome("metric", "quote \" back \\ nl \n", CheckOutcome.Result.PASS, "ok", data);

    String json = Reports.json("check", "production", Instant.parse("2026-11-28T03:00:00Z"), List.of(o));

    assertThat(json).isEqualTo("{\"mode\":\"check\",\"profile\":\"production\",\"checked_at\":\"2026-11-28T03:00:00Z\","
        + "\"status\":\"HEALTHY\",\"checks\":[{\"kind\":\"metric\",\"name\":\"quote \\\" back \\\\ nl \\n\","
        + "\"result\":\"PASS\",\"message\":\"ok\",\"threshold\":80,\"value\":0.25,\"attainment\":\"NaN\","
        + "\"objective\":\"Infinity\",\"duration_ms\":16,\"status_code\":200,\"availability\":null}]}");
  }

  @Test
  void textAndSlackNameTheUrlOfAFailedEndpointAndJsonKeepsItInItsOwnField() {
    CheckOutcome failed = new CheckOutcome("endpoint", "API Redis Health", CheckOutcome.Result.FAIL,
        "cannot connect to 10.0.4.17:8080 (ConnectException)", Map.of("url", "http://10.0.4.17:8080/health/redis"));
    CheckOutcome passed = new CheckOutcome("endpoint", "API Health", CheckOutcome.Result.PASS, "200 in 16 ms",
        Map.of("url", "http://10.0.4.17:8080/health"));
    Instant at = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(Reports.text("health check", "production", at, List.of(failed, passed)))
        .contains("FAIL  API Redis Health  cannot connect to 10.0.4.17:8080 (ConnectException) for "
            + "http://10.0.4.17:8080/health/redis\n")
        .contains("PASS  API Health        200 in 16 ms\n");
    assertThat(Reports.slack("Health check", "production", List.of(failed, passed)))
        .contains(":x: API Redis Health: cannot connect to 10.0.4.17:8080 (ConnectException) for "
            + "http://10.0.4.17:8080/health/redis");
    assertThat(Reports.json("check", "production", at, List.of(failed)))
        .contains("\"message\":\"cannot connect to 10.0.4.17:8080 (ConnectException)\","
            + "\"url\":\"http://10.0.4.17:8080/health/redis\"");
  }

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
