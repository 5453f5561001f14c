package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.Exposition;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Common labels ({@code application}, {@code region}) reach every series, histograms included, although
 * EngLog's histograms on a Prometheus registry are not Micrometer meters that a {@code MeterFilter} sees.
 */
class CommonTagsTest {

  private static final List<String> HTTP_SAMPLES = List.of("englog_http_requests_total",
      "englog_http_request_duration_seconds_bucket", "englog_http_request_duration_seconds_count",
      "englog_http_request_duration_seconds_sum", "englog_http_request_duration_seconds_max");

  /** Every sample of the exposition whose name is one of {@code names}. */
  private static List<Exposition.Sample> samples(String body, List<String> names) {
    List<Exposition.Sample> out = new ArrayList<>();
    for (Exposition.Family f : Exposition.parse(body).families.values()) {
      for (Exposition.Sample s : f.samples) {
        if (names.contains(s.name())) {
          out.add(s);
        }
      }
    }
    return out;
  }

  @Test
  void commonTagsReachCountersAndHistogramsAlikeOnAnInjectedOrAnOwnRegistry() {
    // docs:start docs-common-tags
    // Your registry, with its common tags configured before EnglogMetrics is built:
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("application", "journal-api");
    EnglogMetrics metrics = EnglogMetrics.builder().registry(registry).build();

    // Or the registry EnglogMetrics creates:
    EnglogMetrics own = EnglogMetrics.builder().commonTags("application", "journal-api").build();
    // docs:end docs-common-tags
    try {
      for (EnglogMetrics m : List.of(metrics, own)) {
        m.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, Duration.ofMillis(12));

        String body = m.scrapeHandler().handle(null).bodyText();

        List<Exposition.Sample> http = samples(body, HTTP_SAMPLES);
        assertThat(http).extracting(Exposition.Sample::name).containsAll(HTTP_SAMPLES);
        assertThat(http).allSatisfy(s ->
            assertThat(s.labels()).containsEntry("application", "journal-api"));
        Exposition e = Exposition.parse(body);
        assertThat(e.family("englog_http_request_duration_seconds").value(
            "englog_http_request_duration_seconds_bucket", Map.of("application", "journal-api",
                "method", "GET", "endpoint", "/api/v1/journals/{id}", "le", "0.025")))
            .isEqualTo(1);
        assertThat(e.family("englog_http_request_duration_seconds").labelNames())
            .containsExactly("application", "endpoint", "method");
        assertThat(e.family("englog_http_requests_total").labelNames())
            .containsExactly("application", "endpoint", "method", "status_code");
      }
    } finally {
      metrics.close();
      own.close();
    }
  }

  @Test
  void builderCommonTagsLabelEverySeriesTheRegistryExposesJvmAndCustomMetricsIncluded() {
    try (EnglogMetrics m = Everything.record(EnglogMetrics.builder()
        .commonTags("application", "journal-api", "region", "eu-1").build())) {
      m.timer("englog_export_render_seconds").help("Export render time.").register()
          .record(Duration.ofMillis(5));
      m.counter("englog_exports").help("Journal exports, by format.").labelNames("format").register()
          .increment("pdf");

      Exposition e = Exposition.parse(m.scrapeHandler().handle(null).bodyText());

      assertThat(e.families.keySet()).contains("englog_http_request_duration_seconds",
          "englog_ai_processing_duration_seconds", "englog_export_render_seconds",
          "jvm_memory_used_bytes", "process_cpu_seconds_total");
      for (Exposition.Family f : e.families.values()) {
        assertThat(f.samples).as(f.name).allSatisfy(s -> assertThat(s.labels())
            .containsEntry("application", "journal-api").containsEntry("region", "eu-1"));
      }
    }
  }

  @Test
  void aMetricsOwnLabelWinsOverACommonTagOfTheSameNameOnEveryKindOfSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("endpoint", "fleet", "application", "journal-api");
    try (EnglogMetrics m = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build()) {
      m.recordHttpRequest("GET", "/a", 200, Duration.ofMillis(12));
      m.recordDatabaseQuery("select", "t", Duration.ofMillis(1));

      String body = registry.scrape();

      assertThat(samples(body, HTTP_SAMPLES)).allSatisfy(s -> assertThat(s.labels())
          .containsEntry("endpoint", "/a").containsEntry("application", "journal-api"));
      // The database histogram has no endpoint label of its own, so it gets the common one.
      assertThat(samples(body, List.of("englog_database_query_duration_seconds_count")))
          .singleElement().satisfies(s -> assertThat(s.labels()).containsEntry("endpoint", "fleet"));
    }
  }

  @Test
  void aFilterAddingTagsToEveryMeterIsFollowedLikeCommonTags() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.commonTags(Tags.of("app.instance", "api-1")));
    try (EnglogMetrics m = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build()) {
      m.recordHttpRequest("GET", "/a", 200, Duration.ofMillis(12));

      // The registry's naming convention turns the dotted key into a Prometheus label name for both.
      assertThat(samples(registry.scrape(), HTTP_SAMPLES)).allSatisfy(s -> assertThat(s.labels())
          .containsEntry("app_instance", "api-1"));
    }
  }

  @Test
  void twoInstancesOnARegistryShareHistogramsWithTheSameCommonLabels() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("application", "journal-api");
    try (EnglogMetrics a = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build();
        EnglogMetrics b = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build()) {
      a.recordDatabaseQuery("select", "t", Duration.ofMillis(1));
      b.recordDatabaseQuery("select", "t", Duration.ofMillis(1));
      assertThat(Exposition.parse(registry.scrape()).family("englog_database_query_duration_seconds")
          .value("englog_database_query_duration_seconds_count",
              Map.of("application", "journal-api", "operation", "select", "table", "t")))
          .isEqualTo(2);
    }
  }

  @Test
  void builderCommonTagsWithAnInjectedRegistryAreRefusedWithTheWayToDoIt() {
    EnglogMetrics.Builder b = EnglogMetrics.builder()
        .registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).commonTags("application", "x");
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("registry.config().commonTags(...)");
  }

  @Test
  void commonTagsMustBeNonBlankKeyValuePairs() {
    assertThatThrownBy(() -> EnglogMetrics.builder().commonTags("application"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commonTags must be key/value pairs, had 1 strings");
    assertThatThrownBy(() -> EnglogMetrics.builder().commonTags(" ", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commonTags[0]");
    assertThatThrownBy(() -> EnglogMetrics.builder().commonTags("application", null))
        .isInstanceOf(NullPointerException.class).hasMessage("commonTags[1]");
  }
}
