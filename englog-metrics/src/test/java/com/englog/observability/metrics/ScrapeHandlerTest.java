package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Content negotiation between OpenMetrics and Prometheus text. */
class ScrapeHandlerTest {

  static final String PROMETHEUS_2_42_ACCEPT = "application/openmetrics-text;version=1.0.0,"
      + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL | text",
      "'' | text",
      "text/plain | text",
      "text/plain;version=0.0.4 | text",
      "*/* | text",
      "application/openmetrics-text | openmetrics",
      "application/openmetrics-text; version=1.0.0; charset=utf-8 | openmetrics",
      "APPLICATION/OpenMetrics-Text;Version=1.0.0 | openmetrics",
      "text/plain;q=1, application/openmetrics-text;q=0.5 | text",
      "text/plain;q=0.2, application/openmetrics-text;q=0.9 | openmetrics",
      "application/openmetrics-text;q=0 | text",
      "application/openmetrics-text;q=abc | text",
      "application/json | text",
      ";;;,,,=== | text",
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited | text",
  })
  void negotiates(String accept, String expected) {
    String contentType = ScrapeHandler.negotiate(accept);
    assertThat(contentType).isEqualTo(expected.equals("text")
        ? ScrapeHandler.PROMETHEUS_TEXT : ScrapeHandler.OPENMETRICS_TEXT);
  }

  @Test
  void prometheusDefaultAcceptHeaderGetsOpenMetrics() {
    assertThat(ScrapeHandler.negotiate(PROMETHEUS_2_42_ACCEPT)).isEqualTo(ScrapeHandler.OPENMETRICS_TEXT);
  }

  @Test
  void anAbsurdlyLongHeaderGetsText() {
    assertThat(ScrapeHandler.negotiate("application/openmetrics-text," + "x".repeat(10_000)))
        .isEqualTo(ScrapeHandler.PROMETHEUS_TEXT);
  }

  @Test
  void bodiesAreInTheNegotiatedFormat() throws IOException {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.recordJournalCreated("u", "text");
      ScrapeHandler.Response om = m.scrapeHandler().handle(PROMETHEUS_2_42_ACCEPT);
      ScrapeHandler.Response text = m.scrapeHandler().handle(null);

      assertThat(om.status()).isEqualTo(200);
      assertThat(om.contentType()).isEqualTo(ScrapeHandler.OPENMETRICS_TEXT);
      assertThat(om.bodyText()).contains("# TYPE englog_business_journals_created counter\n")
          .contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0\n")
          .endsWith("# EOF\n");
      assertThat(text.contentType()).isEqualTo(ScrapeHandler.PROMETHEUS_TEXT);
      assertThat(text.bodyText()).contains("# TYPE englog_business_journals_created_total counter\n")
          .doesNotContain("# EOF");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      text.writeTo(out);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(text.bodyText());
      assertThat(text.body()).hasSize(text.length());
    }
  }

  @Test
  void aScrapeHandlerNeedsAPrometheusRegistry() {
    EnglogMetrics m = EnglogMetrics.builder().registry(new SimpleMeterRegistry()).jvmMetrics(false)
        .build();
    assertThatThrownBy(m::scrapeHandler)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PrometheusMeterRegistry");
  }
}
