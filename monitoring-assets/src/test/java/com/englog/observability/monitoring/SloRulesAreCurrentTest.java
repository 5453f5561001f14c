package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The shipped SLO rules are exactly what the generator makes of the objectives. */
class SloRulesAreCurrentTest {

  @Test
  void shippedSloRulesMatchTheObjectives() throws IOException {
    if (Boolean.getBoolean("englog.slo.write")) {
      SloRuleGenerator.write();
    }
    String expected = SloRuleGenerator.generate(SloObjectives.load(Assets.SLO_OBJECTIVES));
    assertThat(Assets.read(Assets.SLO_RULES))
        .as("%s is stale: regenerate it from %s with\n  ./mvnw -B -ntp -pl monitoring-assets -am test"
                + " -Dtest=SloRulesAreCurrentTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Denglog.slo.write=true",
            Assets.SLO_RULES, Assets.SLO_OBJECTIVES)
        .isEqualTo(expected);
  }

  @Test
  void everySloOfTheContractIsDefined() {
    assertThat(SloObjectives.load(Assets.SLO_OBJECTIVES).slos)
        .extracting(s -> s.name)
        .containsExactly("api-availability", "api-latency", "ai-availability", "ai-latency");
  }

  @Test
  void anObjectiveThePagingTierCouldNeverReachIsRejected() {
    String yaml = "slos:\n  - {name: bad-slo, service: api, description: d, objective: 0.9,"
        + " total: a_total, errors: b_total}\n";
    assertThatThrownBy(() -> SloObjectives.parse(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-slo.objective must be in (0.930");
  }

  @Test
  void anSloWithBothErrorsAndGoodIsRejected() {
    String yaml = "slos:\n  - {name: bad-slo, service: api, description: d, objective: 0.99,"
        + " total: a_total, errors: b_total, good: c_bucket}\n";
    assertThatThrownBy(() -> SloObjectives.parse(yaml))
        .hasMessageContaining("set exactly one of 'errors' and 'good'");
  }

  @Test
  void aChangedObjectiveIsRecordedInItsObjectiveRule() {
    String base = Assets.read(Assets.SLO_OBJECTIVES);
    String changed = base.replace("objective: 0.999", "objective: 0.9995");
    String before = SloRuleGenerator.generate(SloObjectives.parse(base));
    String after = SloRuleGenerator.generate(SloObjectives.parse(changed));
    assertThat(after).isNotEqualTo(before)
        .contains("expr: vector(0.9995)")
        .doesNotContain("expr: vector(0.999)\n");
  }
}
