package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Exposition;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text-format reader ExporterMetricsIT compares real exporters with. */
class ExpositionTest {

  @Test
  void readsTypesLabelSetsAndEscapedValues() {
    Exposition e = Exposition.parse(String.join("\n",
        "# HELP pg_up Whether the last scrape could connect.",
        "# TYPE pg_up gauge",
        "pg_up 1",
        "# TYPE probe_http_duration_seconds gauge",
        "probe_http_duration_seconds{phase=\"connect\"} 0.0001",
        "# TYPE demo_seconds histogram",
        "demo_seconds_bucket{le=\"0.5\",path=\"/a,\\\"b\\\"\\\\c\"} 3",
        "demo_seconds_count{path=\"/a\"} 3",
        "untyped_thing{a=\"1\"} 2 1700000000000",
        ""));
    assertThat(e.samples("pg_up").type).isEqualTo("gauge");
    assertThat(e.samples("pg_up").labelSets).containsExactly(Map.of());
    assertThat(e.samples("probe_http_duration_seconds").labelSets)
        .containsExactly(Map.of("phase", "connect"));
    assertThat(e.samples("demo_seconds_bucket").type).isEqualTo("histogram");
    assertThat(e.samples("demo_seconds_bucket").labelSets)
        .containsExactly(Map.of("le", "0.5", "path", "/a,\"b\"\\c"));
    assertThat(e.samples("demo_seconds_count").type).isEqualTo("histogram");
    assertThat(e.samples("untyped_thing").type).isEqualTo("untyped");
    assertThat(e.samples("demo_seconds")).isNull();
  }
}
