package com.englog.observability.monitoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code src/test/promtool/equivalent-mutants.yml}: the rule mutants no test can kill because they
 * behave exactly like the shipped rule, each with the reason. An entry names the rule file, the rule
 * ({@link RuleFiles.Rule#id()}) and the mutation ({@link RuleMutants.Mutant#mutation()}); a {@code *}
 * in either stands for any text, so one entry can cover the same change at several places or tiers.
 */
final class EquivalentMutants {

  static final Path FILE = Assets.PROMTOOL_TESTS.resolve("equivalent-mutants.yml");

  /** One listed equivalent mutant. */
  record Entry(String file, String rule, String mutation, String reason) {
    boolean matches(RuleMutants.Mutant m) {
      return file.equals(m.rule().file.getFileName().toString())
          && glob(rule).matcher(m.rule().id()).matches()
          && glob(mutation).matcher(m.mutation()).matches();
    }

    @Override
    public String toString() {
      return file + " " + rule + ": " + mutation;
    }
  }

  private EquivalentMutants() {}

  static List<Entry> load() {
    List<Entry> out = new ArrayList<>();
    for (Object o : Assets.list(Assets.yamlMap(FILE).get("equivalent"))) {
      Map<String, Object> e = Assets.map(o);
      out.add(new Entry(String.valueOf(e.get("file")), String.valueOf(e.get("rule")),
          String.valueOf(e.get("mutation")), e.get("reason") == null ? "" : String.valueOf(e.get("reason")).trim()));
    }
    return out;
  }

  /** The entry that lists {@code m}, or null. */
  static Entry find(List<Entry> entries, RuleMutants.Mutant m) {
    return entries.stream().filter(e -> e.matches(m)).findFirst().orElse(null);
  }

  private static Pattern glob(String text) {
    List<String> parts = new ArrayList<>();
    for (String part : text.split("\\*", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }
}
