package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Exposition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog is the contract monitoring-assets builds against: it must list exactly what the registry
 * exposes — names, types, help, label names, closed label values and histogram buckets — in both
 * directions, for the default instance (without opt-in labels) and for one with every opt-in setting on
 * (with them).
 */
class CatalogConformanceTest {

  /**
   * Catalogued but only exposed after an event the test cannot force on every JVM: concurrent GC
   * phases (ZGC, Shenandoah, G1's concurrent cycle on newer JDKs).
   */
  static final Set<String> EVENT_DRIVEN =
      Set.of("jvm_gc_concurrent_phase_time_seconds", "jvm_gc_concurrent_phase_time_seconds_max");

  /** How each opt-in setting of the catalog is turned on. */
  static final Map<String, UnaryOperator<EnglogMetrics.Builder>> OPT_INS =
      Map.of(EnglogMetrics.Builder.USER_ID_PROPERTY, b -> b.userIdLabel(true));

  static Map<String, Catalog.Entry> catalog;
  static Exposition exposition;
  static Exposition optedIn;

  @BeforeAll
  static void scrapeEverything() throws InterruptedException {
    catalog = Catalog.load();
    try (EnglogMetrics m = Everything.record(EnglogMetrics.builder().build())) {
      exposition = Exposition.parse(Everything.scrapeAfterGc(m, null));
    }
    EnglogMetrics.Builder all = EnglogMetrics.builder();
    for (UnaryOperator<EnglogMetrics.Builder> optIn : OPT_INS.values()) {
      all = optIn.apply(all);
    }
    try (EnglogMetrics m = Everything.record(all.build())) {
      optedIn = Exposition.parse(Everything.scrapeAfterGc(m, null));
    }
  }

  @Test
  void everyExposedFamilyIsCatalogued() {
    List<String> missing = new ArrayList<>();
    for (String name : exposition.families.keySet()) {
      if (!catalog.containsKey(name)) {
        missing.add(name);
      }
    }
    assertThat(missing).as("exposed but not in the catalog").isEmpty();
  }

  @Test
  void everyCataloguedFamilyIsExposed() {
    List<String> missing = new ArrayList<>();
    for (String name : catalog.keySet()) {
      if (!exposition.families.containsKey(name) && !EVENT_DRIVEN.contains(name)) {
        missing.add(name);
      }
    }
    assertThat(missing).as("in the catalog but not exposed").isEmpty();
  }

  @Test
  void typesHelpAndLabelNamesMatch() {
    assertThat(mismatches(exposition, false)).isEmpty();
  }

  @Test
  void withEveryOptInOnTheOptInLabelsAreExposedToo() {
    assertThat(optedIn.families.keySet()).isEqualTo(exposition.families.keySet());
    assertThat(mismatches(optedIn, true)).isEmpty();
    assertThat(optedIn.family("englog_business_journals_created_total").labelNames())
        .containsExactly("entry_type", "user_id");
  }

  @Test
  void everyOptInLabelNamesASettingThatAddsIt() {
    List<String> optIns = new ArrayList<>();
    for (Catalog.Entry e : catalog.values()) {
      for (Catalog.Label l : e.labels()) {
        if (l.optIn() != null) {
          optIns.add(e.name() + "{" + l.name() + "}: " + l.optIn());
          assertThat(OPT_INS).as("opt-in setting of %s{%s}", e.name(), l.name())
              .containsKey(l.optIn());
        }
      }
    }
    assertThat(optIns).containsExactly(
        "englog_business_journals_created_total{user_id}: englog.metrics.user-id-label");
  }

  private static List<String> mismatches(Exposition exposition, boolean withOptIns) {
    List<String> mismatches = new ArrayList<>();
    exposition.families.forEach((name, family) -> {
      Catalog.Entry e = catalog.get(name);
      if (e == null) {
        return;
      }
      if (!e.type().equals(family.type)) {
        mismatches.add(name + ": type " + family.type + " exposed, " + e.type() + " catalogued");
      }
      if (!e.help().equals(family.help)) {
        mismatches.add(name + ": help \"" + family.help + "\" exposed, \"" + e.help() + "\" catalogued");
      }
      Set<String> catalogued = new TreeSet<>();
      e.labels().stream().filter(l -> withOptIns || l.optIn() == null)
          .forEach(l -> catalogued.add(l.name()));
      if (!family.samples.isEmpty() && !catalogued.equals(family.labelNames())) {
        mismatches.add(name + ": labels " + family.labelNames() + " exposed, " + catalogued + " catalogued");
      }
      if (!family.uniformLabelNames()) {
        mismatches.add(name + ": series with different label names");
      }
    });
    return mismatches;
  }

  @Test
  void histogramBucketsMatch() {
    int histograms = 0;
    for (Catalog.Entry e : catalog.values()) {
      if (!e.type().equals("histogram")) {
        assertThat(e.buckets()).as(e.name() + " is not a histogram").isNull();
        continue;
      }
      histograms++;
      assertThat(exposition.family(e.name()).buckets()).as(e.name())
          .containsExactlyElementsOf(new TreeSet<>(e.buckets()));
    }
    assertThat(histograms).isEqualTo(3);
  }

  @Test
  void exposedValuesOfClosedLabelsAreCatalogued() {
    List<String> outside = new ArrayList<>();
    for (Catalog.Entry e : catalog.values()) {
      Exposition.Family f = exposition.families.get(e.name());
      if (f == null) {
        continue;
      }
      for (Catalog.Label l : e.labels()) {
        if (l.values() == null) {
          continue;
        }
        Set<String> seen = new LinkedHashSet<>();
        f.samples.forEach(s -> seen.add(s.labels().get(l.name())));
        seen.removeAll(l.values());
        if (!seen.isEmpty()) {
          outside.add(e.name() + "{" + l.name() + "}: " + seen);
        }
      }
    }
    assertThat(outside).isEmpty();
  }

  @Test
  void closedLabelSetsOfTheJavaApiMatchTheCatalog() {
    assertThat(values("englog_http_requests_total", "method")).isEqualTo(EnglogMetrics.HTTP_METHODS);
    assertThat(values("englog_ai_processing_errors_total", "error_type"))
        .isEqualTo(AiErrorType.labelValues());
    assertThat(values("englog_security_authentication_failures_total", "reason"))
        .isEqualTo(AuthFailureReason.labelValues());
    assertThat(values("englog_users_active", "time_window")).isEqualTo(EnglogMetrics.ACTIVE_USER_WINDOWS);
    assertThat(values("englog_security_redactions_total", "kind")).isEqualTo(EnglogMetrics.REDACTION_KINDS);
    assertThat(catalog.get("englog_http_request_duration_seconds").buckets())
        .isEqualTo(EnglogMetrics.HTTP_DURATION_BUCKETS);
    assertThat(catalog.get("englog_ai_processing_duration_seconds").buckets())
        .isEqualTo(EnglogMetrics.AI_DURATION_BUCKETS);
    assertThat(catalog.get("englog_database_query_duration_seconds").buckets())
        .isEqualTo(EnglogMetrics.DB_QUERY_BUCKETS);
  }

  @Test
  void metricNamesConstantsAreCatalogued() throws IllegalAccessException {
    for (var field : MetricNames.class.getFields()) {
      assertThat(catalog).containsKey((String) field.get(null));
    }
  }

  private static List<String> values(String metric, String label) {
    for (Catalog.Label l : catalog.get(metric).labels()) {
      if (l.name().equals(label)) {
        return l.values();
      }
    }
    throw new AssertionError(metric + " has no label " + label);
  }
}
