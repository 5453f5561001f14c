package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract checker rejects each kind of bug the seed's PromQL has, and accepts the fixes. */
class QueryCheckerTest {

  private final QueryChecker checker = new QueryChecker(MetricCatalog.load(), Map.of());

  private List<String> problems(String query) {
    return checker.check(query);
  }

  @Test
  void seedErrorRateDividesEachErrorSeriesByItself() {
    assertThat(problems("rate(englog_http_requests_total{status_code=~\"5..\"}[5m])"
        + " / rate(englog_http_requests_total[5m]) > 0.05"))
        .anyMatch(p -> p.contains("numerator filters status_code"));
    assertThat(problems("sum by (job) (rate(englog_http_requests_total{status_code=~\"5..\"}[5m]))"
        + " / sum by (job) (rate(englog_http_requests_total[5m])) > 0.05"))
        .isEmpty();
  }

  @Test
  void seedActiveUsersNameIsUnknownAndTheGaugeCannotBeRated() {
    assertThat(problems("englog_users_active_total{time_window=\"1h\"} < 10"))
        .anyMatch(p -> p.contains("unknown metric englog_users_active_total"));
    assertThat(problems("rate(englog_users_active[5m])"))
        .anyMatch(p -> p.contains("which is a gauge, not a counter"));
    assertThat(problems("englog_users_active{time_window=\"1h\"} < 10")).isEmpty();
  }

  @Test
  void quantileOverBucketsSummedWithoutLeIsRejected() {
    assertThat(problems("histogram_quantile(0.95,"
        + " sum(rate(englog_http_request_duration_seconds_bucket[5m])))"))
        .anyMatch(p -> p.contains("aggregated without le"));
    assertThat(problems("histogram_quantile(0.95,"
        + " sum by (le) (rate(englog_http_request_duration_seconds_bucket[5m])))"))
        .isEmpty();
  }

  @Test
  void quantileOfSomethingElseThanBucketsIsRejected() {
    assertThat(problems("histogram_quantile(0.95, rate(englog_http_requests_total[5m]))"))
        .anyMatch(p -> p.contains("not a histogram's buckets"));
  }

  @Test
  void seedLatencyThresholdIsNotABucketBound() {
    String seed = "histogram_quantile(0.95,"
        + " sum by (le) (rate(englog_http_request_duration_seconds_bucket[5m]))) > %s";
    assertThat(problems(String.format(seed, "2")))
        .anyMatch(p -> p.contains("quantile threshold 2.0") && p.contains("not a bucket bound"));
    assertThat(problems(String.format(seed, "2.5"))).isEmpty();
  }

  @Test
  void leSelectorsMustBeWrittenAsTheExpositionWritesThem() {
    assertThat(problems("englog_ai_processing_duration_seconds_bucket{le=\"60\"}"))
        .anyMatch(p -> p.contains("le=\"60\" is not a bucket bound"));
    assertThat(problems("englog_ai_processing_duration_seconds_bucket{le=\"60.0\"}")).isEmpty();
    assertThat(problems("englog_http_request_duration_seconds_bucket{le=\"0.3\"}"))
        .anyMatch(p -> p.contains("le=\"0.3\""));
  }

  @Test
  void unknownLabelsAndValuesOutsideAClosedSetAreRejected() {
    assertThat(problems("englog_business_journals_created_total{user_id=\"42\"}"))
        .anyMatch(p -> p.contains("label user_id does not exist"));
    assertThat(problems("englog_health_status{status=\"OK\"}"))
        .anyMatch(p -> p.contains("status=\"OK\" is not one of"));
    assertThat(problems("englog_health_status{status=~\"UP|DEGRADED\"}")).isEmpty();
  }

  @Test
  void groupingByALabelTheInputDropped() {
    assertThat(problems("sum by (task_type) (sum by (provider)"
        + " (rate(englog_ai_processing_errors_total[5m])))"))
        .anyMatch(p -> p.contains("label task_type does not exist on its input"));
  }

  @Test
  void oneToOneMatchingOfDifferentLabelSetsNeverMatches() {
    assertThat(problems("sum by (job) (rate(englog_http_requests_total[5m]))"
        + " / sum by (job, instance) (rate(englog_http_requests_total[5m]))"))
        .anyMatch(p -> p.contains("one-to-one matching needs the same labels"));
    assertThat(problems("sum by (job) (rate(englog_http_requests_total[5m]))"
        + " / on (job) sum by (job, instance) (rate(englog_http_requests_total[5m]))"))
        .isEmpty();
  }

  @Test
  void gaugeFunctionsOnCountersAreRejected() {
    assertThat(problems("deriv(englog_http_requests_total[5m])"))
        .anyMatch(p -> p.contains("which is a counter"));
    assertThat(problems("predict_linear(node_filesystem_avail_bytes[6h], 86400)")).isEmpty();
  }

  @Test
  void absentKeepsTheEqualityLabels() {
    assertThat(checker.labelsOf("absent(up{job=\"englog-api\", instance=~\".+\"})").names)
        .containsExactly("job");
  }

  @Test
  void unparsableQueriesAreReported() {
    assertThat(problems("sum(rate(englog_http_requests_total[5m])"))
        .singleElement().asString().startsWith("does not parse");
  }
}
