package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rule mutation testing: every shipped alert rule is changed in small ways ({@link RuleMutants}) and
 * each changed copy must make some promtool case fail, unless {@code equivalent-mutants.yml} says
 * why it cannot. Run only by {@code -Prule-mutation} (minutes of promtool, not for every build):
 *
 * <pre>
 * ./mvnw -B -ntp -pl monitoring-assets -am -Prule-mutation test -Dtest=RuleMutationSweep -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>{@code -Drule-mutation.files=englog-alerts.yml} and {@code -Drule-mutation.alerts=HighErrorRate}
 * (comma-separated) restrict the sweep while working on one rule.
 *
 * <p>A mutant only changes the alerts of its own name, and promtool's alert cases only look at the
 * alert they name: each mutant runs on the cases of that alert name from the test files that load
 * its rule file, against a copy of the rule file that keeps every recording rule and the alert rules
 * of that name. Each case (test group) runs as a test file of its own, cheapest first, and the first
 * failure kills the mutant. Before its mutants, every rule runs the same way unchanged (printed back
 * through the parser), which must pass and gives the cost of each case. Two promtool processes run at
 * a time. Listed equivalent mutants are not run unless {@code -Drule-mutation.equivalents=run}.
 */
class RuleMutationSweep {

  private static final Path WORK = Assets.MODULE.resolve("target/rule-mutation");

  enum Outcome { KILLED, SURVIVED, INVALID }

  /** One promtool case (a test group) of an alert name, as a test file of its own. */
  record Case(String name, String testFile, Map<String, Object> yaml) {}

  /** A rule (mutated or not) and the cases of its alert name, cheapest first. */
  record Run(RuleMutants.Mutant mutant, Path dir, List<Case> cases) {}

  record Result(Run run, Outcome outcome, String detail, Map<Case, Long> millis) {}

  @Test
  void everyNonEquivalentMutantOfEveryShippedAlertRuleIsKilled() throws Exception {
    ExternalTool.PROMTOOL.require();
    long start = System.nanoTime();
    deleteRecursively(WORK);
    Set<String> files = property("rule-mutation.files");
    Set<String> alerts = property("rule-mutation.alerts");
    List<EquivalentMutants.Entry> equivalents = EquivalentMutants.load();

    // A listed equivalent mutant survives every case by its nature: running it costs every case of
    // its alert. -Drule-mutation.equivalents=run runs them too, to find entries that a case now kills.
    boolean runEquivalents = System.getProperty("rule-mutation.equivalents", "").equals("run");
    List<RuleMutants.Mutant> skipped = new ArrayList<>();
    List<Run> baselines = new ArrayList<>();
    List<Run> mutants = new ArrayList<>();
    int n = 0;
    for (Path ruleFile : Assets.ruleFiles()) {
      if (!files.isEmpty() && !files.contains(ruleFile.getFileName().toString())) {
        continue;
      }
      List<Path> tests = testFilesLoading(ruleFile);
      List<RuleFiles.Rule> rules = RuleFiles.load(List.of(ruleFile));
      for (int i = 0; i < rules.size(); i++) {
        RuleFiles.Rule rule = rules.get(i);
        if (!rule.isAlert() || !alerts.isEmpty() && !alerts.contains(rule.alert)) {
          continue;
        }
        List<Case> cases = cases(rule.alert, tests);
        RuleMutants.Mutant unchanged = new RuleMutants.Mutant(rule, "none",
            PromQlPrinter.print(PromQl.parse(rule.expr)), rule.forDuration, rule.keepFiringFor);
        baselines.add(prepare(unchanged, i, cases, WORK.resolve(String.valueOf(n++))));
        for (RuleMutants.Mutant m : RuleMutants.of(rule)) {
          if (runEquivalents || EquivalentMutants.find(equivalents, m) == null) {
            mutants.add(prepare(m, i, cases, WORK.resolve(String.valueOf(n++))));
          } else {
            skipped.add(m);
          }
        }
      }
    }
    assertThat(baselines).as("no alert rule matches the filters").isNotEmpty();

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Result> baselineResults;
    List<Result> results;
    try {
      baselineResults = runAll(pool, baselines, false);
      List<String> broken = baselineResults.stream().filter(r -> r.outcome() != Outcome.SURVIVED)
          .map(r -> r.run().mutant().rule() + " fails its cases unchanged: " + r.detail())
          .collect(Collectors.toList());
      assertThat(broken).as("the unchanged rules must pass their reduced cases").isEmpty();
      // Cheapest cases first: most mutants fail one of them, and a mutant stops at its first failure.
      Map<RuleFiles.Rule, Map<Case, Long>> cost = new java.util.IdentityHashMap<>();
      baselineResults.forEach(r -> cost.put(r.run().mutant().rule(), r.millis()));
      List<Run> ordered = new ArrayList<>();
      for (Run run : mutants) {
        Map<Case, Long> millis = cost.get(run.mutant().rule());
        List<Case> sorted = new ArrayList<>(run.cases());
        sorted.sort(Comparator.comparing(c -> millis.getOrDefault(c, Long.MAX_VALUE)));
        ordered.add(new Run(run.mutant(), run.dir(), sorted));
      }
      results = runAll(pool, ordered, true);
    } finally {
      pool.shutdownNow();
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);

    String report = report(results, skipped, equivalents, wall);
    System.out.println(report);
    Files.writeString(WORK.resolve("report.md"), report);

    List<String> problems = new ArrayList<>();
    for (Result r : results) {
      EquivalentMutants.Entry e = EquivalentMutants.find(equivalents, r.run().mutant());
      if (r.outcome() == Outcome.SURVIVED && e == null) {
        problems.add("survived: " + r.run().mutant());
      } else if (r.outcome() == Outcome.KILLED && e != null) {
        problems.add("listed as equivalent but killed: " + r.run().mutant());
      } else if (r.outcome() == Outcome.INVALID) {
        problems.add("promtool rejects the mutant (fix the generator): " + r.run().mutant() + ": "
            + r.detail());
      }
    }
    assertThat(problems).as("see " + WORK.resolve("report.md")).isEmpty();
  }

  private static List<Result> runAll(ExecutorService pool, List<Run> runs, boolean stopAtFailure)
      throws Exception {
    List<Future<Result>> futures = new ArrayList<>();
    for (Run run : runs) {
      futures.add(pool.submit(() -> execute(run, stopAtFailure)));
    }
    List<Result> out = new ArrayList<>();
    for (Future<Result> f : futures) {
      out.add(f.get());
      if (out.size() % 100 == 0) {
        System.out.printf(Locale.ROOT, "rule mutation: %d/%d runs%n", out.size(), runs.size());
      }
    }
    return out;
  }

  /** Runs the cases one promtool process each; a mutant is killed by the first case that fails. */
  private static Result execute(Run run, boolean stopAtFailure) throws IOException {
    Map<Case, Long> millis = new java.util.IdentityHashMap<>();
    if (run.cases().isEmpty()) {
      return new Result(run, Outcome.SURVIVED, "no case names " + run.mutant().rule().alert, millis);
    }
    List<String> failed = new ArrayList<>();
    int k = 0;
    for (Case c : run.cases()) {
      Map<String, Object> yaml = new LinkedHashMap<>(c.yaml());
      yaml.put("rule_files", List.of("rules.yml"));
      Path file = run.dir().resolve("case-" + k++ + ".yml");
      Files.writeString(file, Assets.yamlText(yaml));
      long start = System.nanoTime();
      ToolRun tool = Promtool.testRules(file);
      millis.put(c, (System.nanoTime() - start) / 1_000_000);
      String output = tool.stdout() + tool.stderr();
      if (tool.exitCode() != 0) {
        if (output.contains("rules.yml: ")) {
          return new Result(run, Outcome.INVALID, output.strip(), millis);
        }
        failed.add(c.testFile() + ": " + c.name());
        if (stopAtFailure) {
          break;
        }
      }
    }
    if (failed.isEmpty()) {
      return new Result(run, Outcome.SURVIVED, "", millis);
    }
    deleteRecursively(run.dir());
    return new Result(run, Outcome.KILLED, String.join("; ", failed), millis);
  }

  /** Writes the mutant's rule file: recording rules, the alert rules of its name, the mutant in place. */
  private static Run prepare(RuleMutants.Mutant m, int index, List<Case> cases, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    String alert = m.rule().alert;
    Map<String, Object> root = new LinkedHashMap<>(Assets.yamlMap(m.rule().file));
    List<Object> groups = new ArrayList<>();
    int k = 0;
    for (Object g : Assets.list(root.get("groups"))) {
      Map<String, Object> group = new LinkedHashMap<>(Assets.map(g));
      List<Object> kept = new ArrayList<>();
      for (Object r : Assets.list(group.get("rules"))) {
        Map<String, Object> rule = new LinkedHashMap<>(Assets.map(r));
        if (k++ == index) {
          rule.put("expr", m.expr());
          putOrRemove(rule, "for", m.forDuration());
          putOrRemove(rule, "keep_firing_for", m.keepFiringFor());
          kept.add(rule);
        } else if (rule.containsKey("record") || alert.equals(rule.get("alert"))) {
          kept.add(rule);
        }
      }
      group.put("rules", kept);
      groups.add(group);
    }
    root.put("groups", groups);
    Files.writeString(dir.resolve("rules.yml"), Assets.yamlText(root));
    return new Run(m, dir, cases);
  }

  /**
   * The test groups of {@code tests} that check {@code alert}, each as a test file of its own with
   * only its cases for that alert (and any expression case reading ALERTS).
   */
  private static List<Case> cases(String alert, List<Path> tests) {
    List<Case> out = new ArrayList<>();
    for (Path test : tests) {
      Map<String, Object> t = Assets.yamlMap(test);
      for (Object c : Assets.list(t.get("tests"))) {
        Map<String, Object> group = new LinkedHashMap<>(Assets.map(c));
        List<Object> alertCases = Assets.list(group.get("alert_rule_test")).stream()
            .filter(a -> alert.equals(Assets.map(a).get("alertname"))).collect(Collectors.toList());
        List<Object> exprCases = Assets.list(group.get("promql_expr_test")).stream()
            .filter(e -> String.valueOf(Assets.map(e).get("expr")).contains("ALERTS"))
            .collect(Collectors.toList());
        if (alertCases.isEmpty() && exprCases.isEmpty()) {
          continue;
        }
        putOrRemove(group, "alert_rule_test", alertCases.isEmpty() ? null : alertCases);
        putOrRemove(group, "promql_expr_test", exprCases.isEmpty() ? null : exprCases);
        Map<String, Object> file = new LinkedHashMap<>(t);
        file.put("tests", List.of(group));
        out.add(new Case(String.valueOf(group.get("name")), test.getFileName().toString(), file));
      }
    }
    return out;
  }

  private static void putOrRemove(Map<String, Object> map, String key, Object value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  /** The promtool test files whose {@code rule_files} include {@code ruleFile}. */
  static List<Path> testFilesLoading(Path ruleFile) {
    List<Path> out = new ArrayList<>();
    for (Path test : Assets.promtoolTestFiles()) {
      for (Object f : Assets.list(Assets.yamlMap(test).get("rule_files"))) {
        Path loaded = test.getParent().resolve(String.valueOf(f)).normalize();
        if (loaded.equals(ruleFile.normalize())) {
          out.add(test);
        }
      }
    }
    return out;
  }

  private static String report(List<Result> results, List<RuleMutants.Mutant> skipped,
      List<EquivalentMutants.Entry> equivalents, Duration wall) {
    Map<String, int[]> byFile = new TreeMap<>();
    List<String> survivors = new ArrayList<>();
    for (RuleMutants.Mutant m : skipped) {
      int[] c = byFile.computeIfAbsent(m.rule().file.getFileName().toString(), f -> new int[4]);
      c[0]++;
      c[2]++;
    }
    for (Result r : results) {
      RuleMutants.Mutant m = r.run().mutant();
      int[] c = byFile.computeIfAbsent(m.rule().file.getFileName().toString(), f -> new int[4]);
      c[0]++;
      boolean equivalent = EquivalentMutants.find(equivalents, m) != null;
      if (r.outcome() == Outcome.KILLED) {
        c[1]++;
      } else if (equivalent) {
        c[2]++;
      } else {
        c[3]++;
        survivors.add("- " + m + (r.detail().isEmpty() ? "" : " [" + r.detail() + "]"));
      }
    }
    StringBuilder b = new StringBuilder("\nRule mutation sweep\n\n");
    b.append("| Rule file | Mutants | Killed | Equivalent | Survived | Score |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    int[] total = new int[4];
    byFile.forEach((file, c) -> {
      b.append(row(file, c));
      for (int i = 0; i < 4; i++) {
        total[i] += c[i];
      }
    });
    b.append(row("**all**", total));
    b.append(String.format(Locale.ROOT,
        "%nWall time: %d min %02d s (%d mutants run, %d listed equivalents not run; 2 promtool"
            + " processes)%n", wall.toMinutes(), wall.toSecondsPart(), results.size(), skipped.size()));
    b.append("\nSurvivors:").append(survivors.isEmpty() ? " none\n" : "\n");
    survivors.forEach(s -> b.append(s).append('\n'));
    return b.toString();
  }

  private static String row(String file, int[] c) {
    int killable = c[0] - c[2];
    String score = killable == 0 ? "n/a"
        : String.format(Locale.ROOT, "%.1f%%", 100.0 * c[1] / killable);
    return "| " + file + " | " + c[0] + " | " + c[1] + " | " + c[2] + " | " + c[3] + " | " + score
        + " |\n";
  }

  private static Set<String> property(String name) {
    String value = System.getProperty(name, "");
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
