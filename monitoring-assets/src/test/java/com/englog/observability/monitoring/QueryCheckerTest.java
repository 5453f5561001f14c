package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract checker rejects each kind of bug MVP-024's PromQL has, and accepts the fixes. */
class QueryCheckerTest {

  private final QueryChecker checker = new QueryChecker(MetricCatalog.load(), Map.of());

  /** {@code query} has a problem whose text contains every one of {@code fragments}. */
  private void assertRejected(String query, String... fragments) {
    assertThat(checker.check(query)).as(query)
        .anyMatch(p -> Arrays.stream(fragments).allMatch(p::contains));
  }

  private void assertAccepted(String query) {
    assertThat(checker.check(query)).as(query).isEmpty();
  }

  @Test
  void seedErrorRateDividesEachErrorSeriesByItself() {
    assertRejected("rate(englog_http_requests_total{status_code=~\"5..\"}[5m])"
        + " / rate(englog_http_requests_total[5m]) > 0.05", "numerator filters status_code");
    assertAccepted("sum by (job) (rate(englog_http_requests_total{status_code=~\"5..\"}[5m]))"
        + " / sum by (job) (rate(englog_http_requests_total[5m])) > 0.05");
  }

  @Test
  void seedActiveUsersNameIsUnknownAndTheGaugeCannotBeRated() {
    assertRejected("englog_users_active_total{time_window=\"1h\"} < 10",
        "unknown metric englog_users_active_total");
    assertRejected("rate(englog_users_active[5m])", "which is a gauge, not a counter");
    assertAccepted("englog_users_active{time_window=\"1h\"} < 10");
  }

  @Test
  void quantileOverBucketsSummedWithoutLeIsRejected() {
    assertRejected("histogram_quantile(0.95, sum(rate(englog_http_request_duration_seconds_bucket[5m])))",
        "aggregated without le");
    assertAccepted("histogram_quantile(0.95,"
        + " sum by (le) (rate(englog_http_request_duration_seconds_bucket[5m])))");
  }

  @Test
  void quantileOfSomethingElseThanBucketsIsRejected() {
    assertRejected("histogram_quantile(0.95, rate(englog_http_requests_total[5m]))",
        "not a histogram's buckets");
  }

  @Test
  void quantileThresholdsMustLieInsideTheBucketRange() {
    String p95 = "histogram_quantile(0.95,"
        + " sum by (le) (rate(englog_http_request_duration_seconds_bucket[5m]))) > %s";
    // MVP-024's 2s sits between the 1s and 2.5s buckets: an interpolated, valid estimate.
    assertAccepted(String.format(p95, "2"));
    assertAccepted(String.format(p95, "2.5"));
    assertAccepted(String.format(p95, "0.005"));
    // The highest finite bound is 10s: the estimate never exceeds it, so these never fire.
    assertRejected(String.format(p95, "10"), "quantile threshold 10.0", "outside the bucket range");
    assertRejected(String.format(p95, "30"), "outside the bucket range");
    assertRejected(String.format(p95, "0.001"), "outside the bucket range");
    assertRejected("0.001 < histogram_quantile(0.95,"
        + " sum by (le) (rate(englog_http_request_duration_seconds_bucket[5m])))", "outside the bucket range");
  }

  @Test
  void leSelectorsMustBeWrittenAsTheExpositionWritesThem() {
    assertRejected("englog_ai_processing_duration_seconds_bucket{le=\"60\"}", "le=\"60\" is not a bucket bound");
    assertAccepted("englog_ai_processing_duration_seconds_bucket{le=\"60.0\"}");
    assertRejected("englog_http_request_duration_seconds_bucket{le=\"0.3\"}", "le=\"0.3\"");
  }

  @Test
  void unknownLabelsAndValuesOutsideAClosedSetAreRejected() {
    assertRejected("englog_business_journals_created_total{user_id=\"42\"}", "label user_id does not exist");
    assertRejected("englog_health_status{status=\"OK\"}", "status=\"OK\" is not one of");
    assertAccepted("englog_health_status{status=~\"UP|DEGRADED\"}");
  }

  @Test
  void groupingByALabelTheInputDropped() {
    assertRejected("sum by (task_type) (sum by (provider) (rate(englog_ai_processing_errors_total[5m])))",
        "label task_type does not exist on its input");
  }

  @Test
  void oneToOneMatchingOfDifferentLabelSetsNeverMatches() {
    assertRejected("sum by (job) (rate(englog_http_requests_total[5m]))"
        + " / sum by (job, instance) (rate(englog_http_requests_total[5m]))",
        "one-to-one matching needs the same labels");
    assertAccepted("sum by (job) (rate(englog_http_requests_total[5m]))"
        + " / on (job) sum by (job, instance) (rate(englog_http_requests_total[5m]))");
  }

  @Test
  void gaugeFunctionsOnCountersAreRejected() {
    assertRejected("deriv(englog_http_requests_total[5m])", "which is a counter");
    assertAccepted("predict_linear(node_filesystem_avail_bytes[6h], 86400)");
  }

  @Test
  void absentKeepsTheEqualityLabels() {
    assertThat(checker.labelsOf("absent(up{job=\"englog-api\", instance=~\".+\"})").names)
        .containsExactly("job");
  }

  @Test
  void unparsableQueriesAreReported() {
    assertThat(checker.check("sum(rate(englog_http_requests_total[5m])"))
        .singleElement().asString().startsWith("does not parse");
  }
}
