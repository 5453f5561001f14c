package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.Exposition;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The static facade, the redaction hook and declared label values. */
class FacadeAndHooksTest {

  @AfterEach
  void resetFacade() {
    Metrics.reset();
  }

  @Test
  void theFacadeWorksWithNoSetup() {
    Metrics.recordJournalCreated("u-1", "text");
    Metrics.recordHttpRequest("GET", "/a", 200, Duration.ofMillis(5));
    assertThat(Metrics.registry()).isInstanceOf(PrometheusMeterRegistry.class);
    assertThat(Metrics.registry().find("englog_business_journals_created").counter().count())
        .isEqualTo(1);
    assertThat(Metrics.registry()).isSameAs(Metrics.get().registry());
    assertThat(Metrics.get()).isSameAs(Metrics.get());
  }

  @Test
  void theFacadeCanBeGivenAnInstanceOnceAtStartup() {
    try (EnglogMetrics mine = EnglogMetrics.builder().jvmMetrics(false).build();
        EnglogMetrics other = EnglogMetrics.builder().jvmMetrics(false).build()) {
      Metrics.setDefault(mine);
      assertThatThrownBy(() -> Metrics.setDefault(other)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already called");
      assertThat(Metrics.get()).isSameAs(mine);
      Metrics.recordCacheHit("redis", "user:*");
      Metrics.recordCacheMiss("redis", "user:*");
      Metrics.recordUserSession("oauth");
      Metrics.updateActiveUsers(3, "7d");
      Metrics.recordAiProcessing("t", "p", Duration.ofSeconds(1), null);
      Metrics.recordDatabaseQuery("select", "t", Duration.ofMillis(1));
      Metrics.recordAuthenticationFailure("oauth", AuthFailureReason.INVALID_TOKEN);
      Metrics.recordAccessDenied("/a");
      Metrics.recordRateLimited("/a");
      Metrics.recordAuditEvent("login", false);
      assertThat(Metrics.registry()).isSameAs(mine.registry());
      assertThat(mine.registry().find("englog_cache_hits").counter().count()).isEqualTo(1);
      assertThat(mine.registry().find("englog_security_audit_events").tag("outcome", "failure")
          .counter().count()).isEqualTo(1);
    }
  }

  /** Records through the facade; the line a too-late setDefault must point at. */
  private static void recordAtStartupByMistake() {
    Metrics.recordCacheHit("redis", "user:*");
  }

  @Test
  void setDefaultAfterFirstUseFailsAndSaysWhereTheFacadeWasFirstUsed() {
    recordAtStartupByMistake();
    EnglogMetrics first = Metrics.get();
    try (EnglogMetrics late = EnglogMetrics.builder().jvmMetrics(false).build()) {
      assertThatThrownBy(() -> Metrics.setDefault(late))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("after the facade was first used, at " + FacadeAndHooksTest.class.getName()
              + ".recordAtStartupByMistake(FacadeAndHooksTest.java:")
          .cause().hasMessageContaining("first used here");
      // The facade keeps recording where it started: nothing recorded so far is split off.
      Metrics.recordCacheHit("redis", "user:*");
      assertThat(Metrics.get()).isSameAs(first);
      assertThat(first.registry().find("englog_cache_hits").counter().count()).isEqualTo(2);
      assertThat(late.registry().find("englog_cache_hits").counter()).isNull();
    }
  }

  @Test
  void redactionCountsArePublishedFromTheLoggingHook() {
    AtomicLong credentials = new AtomicLong();
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      Exposition before = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      assertThat(before.family("englog_security_redactions_total").series()).isEqualTo(3);

      m.bindRedactionCount("credential", credentials::get);
      m.bindRedactionCount("CREDENTIAL", () -> 2);
      m.bindRedactionCount("pii", () -> {
        throw new IllegalStateException("logging not ready");
      });
      credentials.set(5);
      Exposition.Family f = Exposition.parse(m.scrapeHandler().handle(null).bodyText())
          .family("englog_security_redactions_total");
      assertThat(f.value("englog_security_redactions_total", Map.of("kind", "credential"))).isEqualTo(7);
      assertThat(f.value("englog_security_redactions_total", Map.of("kind", "pii"))).isZero();
      assertThatThrownBy(() -> m.bindRedactionCount("password", () -> 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credential");
    }
  }

  @Test
  void declaredValuesStartAtZeroSoRateWorksFromTheFirstScrape() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false)
        .declareLabelValues("entry_type", "text", "voice")
        .declareLabelValues("endpoint", "/api/v1/journals")
        .declareLabelValues("method", "GET", "post")
        .declareLabelValues("status_code", "200", "500")
        .declareLabelValues("auth_method", "password")
        .build()) {
      Exposition e = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      assertThat(e.family("englog_business_journals_created_total").value(
          "englog_business_journals_created_total", Map.of("entry_type", "voice"))).isZero();
      assertThat(e.family("englog_http_requests_total").series()).isEqualTo(4);
      assertThat(e.family("englog_http_request_duration_seconds").value(
          "englog_http_request_duration_seconds_count",
          Map.of("method", "POST", "endpoint", "/api/v1/journals"))).isZero();
      // A closed label whose other labels are declared starts with its whole set.
      assertThat(e.family("englog_security_authentication_failures_total").series())
          .isEqualTo(AuthFailureReason.values().length);
      assertThat(e.families).doesNotContainKey("englog_cache_hits_total");
    }
  }

  @Test
  void activeUsersStartAtZeroOnlyForTheTimeWindowsTheServiceDeclares() {
    try (EnglogMetrics quiet = EnglogMetrics.builder().jvmMetrics(false).build();
        EnglogMetrics declared = EnglogMetrics.builder().jvmMetrics(false)
            .declareLabelValues("time_window", "1h", "24h").build()) {
      // Undeclared, nothing is exposed: a 0 would tell low-activity alerts there are no users.
      assertThat(Exposition.parse(quiet.scrapeHandler().handle(null).bodyText()).families)
          .doesNotContainKey("englog_users_active");

      Exposition.Family f = Exposition.parse(declared.scrapeHandler().handle(null).bodyText())
          .family("englog_users_active");
      assertThat(f.samples).hasSize(2);
      assertThat(f.value("englog_users_active", Map.of("time_window", "1h"))).isZero();
      assertThat(f.value("englog_users_active", Map.of("time_window", "24h"))).isZero();
      declared.updateActiveUsers(12, "24h");
      assertThat(Exposition.parse(declared.scrapeHandler().handle(null).bodyText())
          .family("englog_users_active").value("englog_users_active", Map.of("time_window", "24h")))
          .isEqualTo(12);
    }
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
        .declareLabelValues("time_window", "30d").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("30d");
  }

  @Test
  void declaringValuesOutsideAClosedSetOrBeyondTheLimitFails() {
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
        .declareLabelValues("method", "BREW").declareLabelValues("endpoint", "/a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BREW");
    String[] many = new String[100];
    for (int i = 0; i < many.length; i++) {
      many[i] = "type-" + i;
    }
    assertThatThrownBy(() -> EnglogMetrics.builder().jvmMetrics(false)
        .cardinalityLimit("englog_business_journals_created_total", 50)
        .declareLabelValues("entry_type", many).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("englog_business_journals_created_total");
  }

  @Test
  void systemPropertiesAndEnvironmentWinOverTheBuilder() {
    Map<String, String> props = Map.of(EnglogMetrics.Builder.LIMIT_PROPERTY, "30");
    Map<String, String> env = Map.of(EnglogMetrics.Builder.LIMIT_ENV, "50",
        EnglogMetrics.Builder.USER_ID_ENV, "TRUE", EnglogMetrics.Builder.JVM_ENV, "false");
    try (EnglogMetrics m = EnglogMetrics.builder().cardinalityLimit(1000).jvmMetrics(true)
        .lookups(props::get, env::get).build()) {
      for (int i = 0; i < 100; i++) {
        m.recordJournalCreated("user-" + i, "text");
      }
      Exposition e = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      assertThat(e.family("englog_business_journals_created_total").series()).isLessThanOrEqualTo(30);
      assertThat(e.family("englog_business_journals_created_total").labelNames())
          .containsExactly("entry_type", "user_id");
      assertThat(e.families).doesNotContainKey("jvm_threads_live_threads");
    }
    assertThatThrownBy(() -> EnglogMetrics.builder()
        .lookups(k -> null, Map.of(EnglogMetrics.Builder.LIMIT_ENV, "lots")::get).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variable ENGLOG_METRICS_CARDINALITY_LIMIT")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> EnglogMetrics.builder()
        .lookups(Map.of(EnglogMetrics.Builder.JVM_PROPERTY, "maybe")::get, k -> null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("system property englog.metrics.jvm must be true or false, was maybe");
  }

  @Test
  void builderValidationNamesTheFieldAndRange() {
    assertThatThrownBy(() -> EnglogMetrics.builder().cardinalityLimit(1))
        .hasMessage("cardinalityLimit must be between 2 and 1000000, was 1");
    assertThatThrownBy(() -> EnglogMetrics.builder().maxLabelValueLength(2))
        .hasMessage("maxLabelValueLength must be between 8 and 4096, was 2");
    assertThatThrownBy(() -> EnglogMetrics.builder().registry(null))
        .isInstanceOf(NullPointerException.class).hasMessage("registry");
  }
}
