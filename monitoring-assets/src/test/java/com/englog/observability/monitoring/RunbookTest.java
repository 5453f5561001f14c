package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert's runbook_url points at a shipped page and an anchor that exists in it; every page says
 * what the alert means, how to confirm it, what to do and how to silence it; every query a page (or the
 * operations guide) tells the on-call engineer to run is valid against the metric catalogs and parses
 * for promtool.
 */
class RunbookTest {

  static final String BASE =
      "https://github.com/englog/englog-observability/blob/main/monitoring-assets/src/main/assets/runbooks/";
  static final List<String> SECTIONS =
      List.of("What it means", "How to confirm", "What to do", "How to silence");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
  static final Pattern PROMQL_BLOCK = Pattern.compile("(?s)```promql\\n(.*?)```");

  @Test
  void everyRunbookUrlAnchorExists() {
    List<String> broken = new ArrayList<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      String url = rule.annotations.get("runbook_url");
      if (url == null || !url.startsWith(BASE) || !url.contains("#")) {
        broken.add(rule + ": runbook_url " + url + " is not " + BASE + "<page>#<anchor>");
        continue;
      }
      String page = url.substring(BASE.length(), url.indexOf('#'));
      String anchor = url.substring(url.indexOf('#') + 1);
      Path file = Assets.RUNBOOKS.resolve(page);
      if (!Files.isRegularFile(file)) {
        broken.add(rule + ": no page " + page);
      } else if (!anchors(Assets.read(file)).contains(anchor)) {
        broken.add(rule + ": " + page + " has no anchor #" + anchor + " (has " + anchors(Assets.read(file)) + ")");
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void everyPageHasTheFourSectionsAndNoPageIsOrphaned() {
    Set<String> alerts = RuleFiles.alerts().stream().map(r -> r.alert)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> pages = new TreeSet<>();
    for (Path page : Assets.list(Assets.RUNBOOKS, ".md")) {
      String name = page.getFileName().toString().replace(".md", "");
      if (name.equals("README")) {
        continue;
      }
      pages.add(name);
      String text = Assets.read(page);
      assertThat(text).as(page + " title").startsWith("# " + name + "\n");
      for (String section : SECTIONS) {
        assertThat(text).as(page + " section " + section).contains("\n## " + section + "\n");
      }
      assertThat(text).as(page + " silences its own alert").contains("'alertname=\"" + name + "\"'");
    }
    assertThat(pages).isEqualTo(alerts);
    String index = Assets.read(Assets.RUNBOOKS.resolve("README.md"));
    assertThat(alerts).allSatisfy(a -> assertThat(index).contains("[" + a + "](" + a + ".md)"));
  }

  /**
   * The first line of a page and its row in the index say what the rules say (severity tiers, service,
   * how long it waits, the dashboard), so a changed rule cannot leave its runbook telling the on-call
   * engineer something else.
   */
  @Test
  void everyPageHeaderAndIndexRowSayWhatTheRulesSay() {
    Map<String, List<RuleFiles.Rule>> byAlert = new LinkedHashMap<>();
    RuleFiles.alerts().forEach(r -> byAlert.computeIfAbsent(r.alert, a -> new ArrayList<>()).add(r));
    Map<String, String> titles = new TreeMap<>();
    for (JsonNode json : DashboardTest.load().values()) {
      titles.put(json.path("uid").asText(), json.path("title").asText());
    }
    String index = Assets.read(Assets.RUNBOOKS.resolve("README.md"));
    List<String> wrong = new ArrayList<>();
    byAlert.forEach((alert, rules) -> {
      List<String> severities = new ArrayList<>();
      Map<String, Set<String>> waits = new LinkedHashMap<>();
      for (String severity : List.of("critical", "warning", "info", "none")) {
        for (RuleFiles.Rule r : rules) {
          if (severity.equals(r.labels.get("severity"))) {
            if (!severities.contains(severity)) {
              severities.add(severity);
            }
            waits.computeIfAbsent(severity, k -> new TreeSet<>()).add(String.valueOf(r.forDuration));
          }
        }
      }
      Set<String> services = new TreeSet<>();
      rules.forEach(r -> services.add(r.labels.get("service")));
      String fires;
      if (alert.equals("Watchdog")) {
        fires = "Fires: always, by design.";
      } else if (waits.size() == 1) {
        fires = "Fires after: " + String.join("/", waits.values().iterator().next()) + ".";
      } else {
        List<String> parts = new ArrayList<>();
        waits.forEach((severity, w) -> parts.add(String.join("/", w) + " (" + severity + ")"));
        fires = "Fires after: " + String.join(", ", parts) + ".";
      }
      String url = rules.get(0).annotations.get("dashboard_url");
      String uid = url.substring(url.lastIndexOf('/') + 1);
      String header = "Severity: " + String.join(", ", severities) + ". Service: "
          + String.join(", ", services) + ". " + fires + " Dashboard: [" + titles.get(uid) + "](" + url
          + ") (uid `" + uid + "`).";
      String page = Assets.read(Assets.RUNBOOKS.resolve(alert + ".md"));
      String firstLine = page.split("\n")[2];
      if (!firstLine.equals(header)) {
        wrong.add(alert + ".md says\n  " + firstLine + "\nthe rules say\n  " + header);
      }
      String row = "| [" + alert + "](" + alert + ".md) | " + String.join(", ", severities) + " | "
          + String.join(", ", services) + " | " + rules.get(0).annotations.get("summary") + " |";
      if (!index.contains(row + "\n")) {
        wrong.add("README.md has no row " + row);
      }
    });
    assertThat(wrong).isEmpty();
  }

  @Test
  void everyQueryARunbookGivesIsValidAgainstTheCatalogs() {
    QueryChecker checker = QueryChecker.forRules(MetricCatalog.load(), RuleFiles.shipped());
    List<String> problems = new ArrayList<>();
    List<String[]> queries = pageQueries();
    for (String[] q : queries) {
      for (String p : checker.check(q[1])) {
        problems.add(q[0] + ": " + q[1] + ": " + p);
      }
    }
    assertThat(queries).hasSizeGreaterThan(60);
    assertThat(problems).isEmpty();
  }

  @Test
  void everyQueryARunbookGivesParsesForPromtool(@TempDir Path dir) throws IOException {
    // promtool 2.42 has no query parser command: each query becomes a recording rule.
    StringBuilder rules = new StringBuilder("groups:\n  - name: runbook-queries\n    rules:\n");
    ObjectMapper json = new ObjectMapper();
    List<String[]> queries = pageQueries();
    for (int i = 0; i < queries.size(); i++) {
      rules.append("      - record: runbook:query:").append(i).append('\n')
          .append("        expr: ").append(json.writeValueAsString(queries.get(i)[1])).append('\n');
    }
    Path file = Files.writeString(dir.resolve("runbook-queries.yml"), rules.toString());
    ToolRun run = Promtool.checkRules(file);
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stdout()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  /** Page name and query of every line of every {@code promql} block of the runbooks and operations.md. */
  static List<String[]> pageQueries() {
    List<Path> pages = new ArrayList<>(Assets.list(Assets.RUNBOOKS, ".md"));
    pages.add(Assets.MODULE.resolve("../docs/operations.md").normalize());
    List<String[]> out = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = PROMQL_BLOCK.matcher(Assets.read(page));
      while (m.find()) {
        for (String query : m.group(1).split("\n")) {
          if (!query.isBlank()) {
            out.add(new String[] {page.getFileName().toString(), query.trim()});
          }
        }
      }
    }
    return out;
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  static Set<String> anchors(String markdown) {
    Set<String> out = new TreeSet<>();
    Matcher m = HEADING.matcher(markdown);
    while (m.find()) {
      out.add(m.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "")
          .replace(' ', '-'));
    }
    return out;
  }
}
