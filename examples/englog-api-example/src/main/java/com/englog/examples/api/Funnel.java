package com.englog.examples.api;

import com.englog.observability.metrics.CustomCounter;
import com.englog.observability.metrics.EnglogMetrics;
import java.util.Arrays;
import java.util.Locale;

/**
 * The product funnel, sign-in to journal to AI summary, as one custom counter:
 * {@code englog_business_funnel_steps_total{step}}. The step values are declared, so every step is
 * exposed at 0 from the first scrape and conversion ratios never divide by a missing series. Listed in
 * the service's metric catalog, {@code META-INF/englog/metrics-catalog/englog-api-example.json}, next to
 * the suite's, so rules and dashboards that use it can be checked the same way.
 */
public final class Funnel {

  /** The steps, in funnel order. */
  public enum Step {
    SIGN_IN,
    JOURNAL_CREATED,
    AI_SUMMARY_VIEWED;

    /** The label value: {@code sign_in}, {@code journal_created}, {@code ai_summary_viewed}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The metric as registered; exposed with {@code _total}. */
  public static final String METRIC = "englog_business_funnel_steps";

  private final CustomCounter steps;

  public Funnel(EnglogMetrics metrics) {
    this.steps = metrics.counter(METRIC)
        .help("Users reaching each step of the product funnel: sign_in, journal_created, ai_summary_viewed.")
        .labelNames("step")
        .declareLabelValues("step", Arrays.stream(Step.values()).map(Step::label).toArray(String[]::new))
        .register();
  }

  /** Counts one user reaching {@code step}. */
  public void reached(Step step) {
    steps.increment(step.label());
  }
}
