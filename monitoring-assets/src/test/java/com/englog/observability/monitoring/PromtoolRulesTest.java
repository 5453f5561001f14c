package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Debian's promtool 2.42 accepts every shipped rule file, and every rule unit test passes. */
class PromtoolRulesTest {

  @Test
  void everyShippedRuleFilePassesCheckRulesWithLintingFatal() {
    List<String> args = new ArrayList<>(List.of("check", "rules", "--lint=all", "--lint-fatal"));
    Assets.ruleFiles().forEach(f -> args.add(f.toString()));
    ToolRun run = Promtool.run(null, args.toArray(new String[0]));
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stdout()).contains("SUCCESS").doesNotContain("WARNING");
  }

  @Test
  void everyRuleUnitTestPasses() throws InterruptedException, ExecutionException {
    ExternalTool.PROMTOOL.require();
    List<Path> files = Assets.promtoolTestFiles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(8);
    // The files are independent and each keeps one core busy: two at a time.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ToolRun>> runs = new ArrayList<>();
      for (Path f : files) {
        runs.add(pool.submit(() -> Promtool.testRules(f)));
      }
      List<String> failures = new ArrayList<>();
      for (Future<ToolRun> r : runs) {
        ToolRun run = r.get();
        if (run.exitCode() != 0) {
          failures.add(run.describe());
        }
      }
      assertThat(failures).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBrokenExpectationFailsTheRuleUnitTests() throws Exception {
    // Guards against a runner that cannot fail: the same test file with one wrong value must fail.
    Path original = Assets.PROMTOOL_TESTS.resolve("englog-alerts.test.yml");
    String mutated = Assets.read(original)
        .replace("is 4.25s over the last 5 minutes", "is 4.3s over the last 5 minutes")
        .replace("../../main/assets/", Assets.ROOT.toString() + "/");
    assertThat(mutated).contains("is 4.3s over");
    Path copy = java.nio.file.Files.createTempFile(
        java.nio.file.Files.createDirectories(Assets.MODULE.resolve("target")), "mutated-", ".yml");
    java.nio.file.Files.writeString(copy, mutated);
    ToolRun run = Promtool.testRules(copy);
    assertThat(run.exitCode()).as(run.describe()).isNotZero();
    assertThat(run.stdout() + run.stderr()).contains("HighResponseTime: fires");
  }
}
