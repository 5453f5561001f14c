package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The parts of rule mutation testing that run in every build: the printer the mutants are written
 * with, the generator, and the list of equivalent mutants (which must not rot as rules change).
 */
class RuleMutantsTest {

  @Test
  void everyListedEquivalentMutantNamesAShippedRuleAndAMutationTheGeneratorProduces() {
    List<RuleMutants.Mutant> mutants = RuleFiles.alerts().stream()
        .flatMap(r -> RuleMutants.of(r).stream()).collect(Collectors.toList());
    List<String> stale = new ArrayList<>();
    for (EquivalentMutants.Entry e : EquivalentMutants.load()) {
      if (mutants.stream().noneMatch(e::matches)) {
        stale.add(e + " matches no mutant of a shipped alert rule");
      }
      if (e.reason().isEmpty()) {
        stale.add(e + " gives no reason");
      }
    }
    assertThat(stale).isEmpty();
  }

  @Test
  void printingAShippedExpressionKeepsItsTree() {
    for (RuleFiles.Rule rule : RuleFiles.shipped()) {
      String once = PromQlPrinter.print(PromQl.parse(rule.expr));
      assertThat(PromQlPrinter.print(PromQl.parse(once))).as(rule.toString()).isEqualTo(once);
    }
  }

  @Test
  void promtoolAcceptsEveryShippedRuleFilePrintedBackAndEveryMutant() throws Exception {
    Path dir = Files.createDirectories(Assets.MODULE.resolve("target/printed-rules"));
    List<Path> files = new ArrayList<>();
    for (Path file : Assets.ruleFiles()) {
      Map<String, Object> root = new LinkedHashMap<>(Assets.yamlMap(file));
      List<RuleFiles.Rule> loaded = RuleFiles.load(List.of(file));
      int index = 0;
      List<Object> groups = new ArrayList<>();
      for (Object g : Assets.list(root.get("groups"))) {
        Map<String, Object> group = new LinkedHashMap<>(Assets.map(g));
        List<Object> rules = new ArrayList<>();
        for (Object r : Assets.list(group.get("rules"))) {
          Map<String, Object> rule = new LinkedHashMap<>(Assets.map(r));
          rule.put("expr", PromQlPrinter.print(PromQl.parse(String.valueOf(rule.get("expr")))));
          rules.add(rule);
          RuleFiles.Rule loadedRule = loaded.get(index++);
          if (loadedRule.isAlert()) {
            for (RuleMutants.Mutant m : RuleMutants.of(loadedRule)) {
              Map<String, Object> mutated = new LinkedHashMap<>(rule);
              mutated.put("alert", rule.get("alert") + "Mutant");
              mutated.put("expr", m.expr());
              put(mutated, "for", m.forDuration());
              put(mutated, "keep_firing_for", m.keepFiringFor());
              rules.add(mutated);
            }
          }
        }
        group.put("rules", rules);
        groups.add(group);
      }
      root.put("groups", groups);
      Path printed = dir.resolve(file.getFileName());
      Files.writeString(printed, Assets.yamlText(root));
      files.add(printed);
    }
    ToolRun run = Promtool.checkRules(files.toArray(new Path[0]));
    assertThat(run.exitCode()).as(run.describe()).isZero();
  }

  @Test
  void theBurnRateAlertsLoseEachShortWindowAndEachTicketBranchAsMutants() {
    RuleFiles.Rule page = RuleFiles.alerts().stream()
        .filter(r -> r.id().equals("ErrorBudgetBurn[critical,api-availability]")).findFirst()
        .orElseThrow();
    List<String> mutations = RuleMutants.of(page).stream().map(RuleMutants.Mutant::mutation)
        .collect(Collectors.toList());
    assertThat(mutations)
        .anyMatch(m -> m.startsWith("drop the right side of and #3: englog:slo_sli_error:ratio_rate5m"))
        .anyMatch(m -> m.startsWith("drop the right side of and #4: englog:slo_sli_error:ratio_rate30m"))
        .anyMatch(m -> m.startsWith("drop the right side of or #2: (englog:slo_sli_error:ratio_rate6h"))
        .contains("for 2m -> 1m", "for 2m -> 4m");
    RuleFiles.Rule anomaly = RuleFiles.alert("JournalCreationAnomaly");
    assertThat(RuleMutants.of(anomaly)).extracting(RuleMutants.Mutant::mutation)
        .contains("offset 1w -> 1d of englog_business_journals_created_total",
            "range [1h] -> [2h] of englog_business_journals_created_total", "number 0.5 -> 0.25");
  }

  @Test
  void everyMutantChangesTheRule() {
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      String printed = PromQlPrinter.print(PromQl.parse(rule.expr));
      for (RuleMutants.Mutant m : RuleMutants.of(rule)) {
        boolean same = m.expr().equals(printed) && java.util.Objects.equals(m.forDuration(),
            rule.forDuration) && java.util.Objects.equals(m.keepFiringFor(), rule.keepFiringFor);
        assertThat(same).as(m.toString()).isFalse();
      }
    }
  }

  @Test
  void durationsAreHalvedAndDoubledInPrometheusSyntax() {
    assertThat(RuleMutants.Durations.seconds("1h30m")).isEqualTo(5400);
    assertThat(RuleMutants.Durations.format(150)).isEqualTo("2m30s");
    assertThat(RuleMutants.Durations.format(RuleMutants.Durations.seconds("1w"))).isEqualTo("1w");
    assertThat(RuleMutants.Durations.format(2 * 86400)).isEqualTo("2d");
  }

  private static void put(Map<String, Object> map, String key, Object value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }
}
