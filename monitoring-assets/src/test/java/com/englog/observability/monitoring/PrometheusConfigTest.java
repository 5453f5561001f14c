package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Prometheus configuration: valid for promtool, secrets only from files, complete. */
class PrometheusConfigTest {

  private static final Path PROMETHEUS_DIR = Assets.ROOT.resolve("prometheus");
  private static final String SECRETS = "/etc/prometheus/secrets/";

  @Test
  void shippedConfigurationsHaveValidSyntax() {
    ToolRun run = Promtool.run(null, "check", "config", "--syntax-only",
        Assets.PROMETHEUS_CONFIG.toString(),
        PROMETHEUS_DIR.resolve("examples/federation-global.yml").toString(),
        PROMETHEUS_DIR.resolve("examples/remote-write.yml").toString());
    assertThat(run.exitCode()).as(run.describe()).isZero();
  }

  @Test
  void fullCheckPassesWhenTheSecretFilesExistAndFailsWhenOneIsMissing(@TempDir Path dir)
      throws IOException {
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Path copy = copyPrometheusDir(dir.resolve("prometheus"), secrets);
    for (String name : secretFiles()) {
      Files.writeString(secrets.resolve(name), "not-a-real-secret\n");
    }
    ToolRun ok = Promtool.checkConfig(copy.resolve("prometheus.yml"));
    assertThat(ok.exitCode()).as(ok.describe()).isZero();
    // promtool follows rule_files: every shipped rule file was loaded.
    assertThat(ok.stdout()).contains("englog-alerts.yml").contains("englog-slo.yml");

    Files.delete(secrets.resolve("englog-metrics-token"));
    ToolRun missing = Promtool.checkConfig(copy.resolve("prometheus.yml"));
    assertThat(missing.exitCode()).as(missing.describe()).isNotZero();
    assertThat(missing.stdout() + missing.stderr()).contains("englog-metrics-token");
  }

  @Test
  void webConfigsAreValid() {
    ToolRun run = Promtool.run(null, "check", "web-config",
        PROMETHEUS_DIR.resolve("web-config.yml").toString(),
        Assets.ROOT.resolve("alertmanager/web-config.yml").toString());
    assertThat(run.exitCode()).as(run.describe()).isZero();
  }

  @Test
  void credentialsComeOnlyFromFiles() {
    for (Path file : List.of(Assets.PROMETHEUS_CONFIG, PROMETHEUS_DIR.resolve("examples/federation-global.yml"),
        PROMETHEUS_DIR.resolve("examples/remote-write.yml"))) {
      String text = Assets.read(file);
      assertThat(text).as(file + " has no inline secret")
          .doesNotContainPattern("(?m)^\\s*(password|credentials|bearer_token):")
          .doesNotContain("bearer_token_file");
    }
    Map<String, Object> config = Assets.yamlMap(Assets.PROMETHEUS_CONFIG);
    for (String job : List.of("englog-api", "englog-worker")) {
      Map<String, Object> scrape = job(config, job);
      Map<String, Object> auth = Assets.map(scrape.get("authorization"));
      assertThat(auth.get("credentials_file")).as(job + " scrapes with a bearer token file")
          .isEqualTo(SECRETS + "englog-metrics-token");
    }
  }

  @Test
  void everySeedJobIsScrapedAndTimeoutsAreBelowIntervals() {
    Map<String, Object> config = Assets.yamlMap(Assets.PROMETHEUS_CONFIG);
    Set<String> jobs = jobNames(config);
    assertThat(jobs).contains("englog-api", "englog-worker", "postgres", "redis", "nginx", "node",
        "cadvisor", "blackbox");
    Map<String, Object> global = Assets.map(config.get("global"));
    for (Object o : Assets.list(config.get("scrape_configs"))) {
      Map<String, Object> job = Assets.map(o);
      long interval = seconds(String.valueOf(job.getOrDefault("scrape_interval", global.get("scrape_interval"))));
      long timeout = seconds(String.valueOf(job.getOrDefault("scrape_timeout", global.get("scrape_timeout"))));
      assertThat(timeout).as(job.get("job_name") + ": timeout below interval").isLessThan(interval);
    }
    assertThat(Assets.list(config.get("rule_files"))).containsExactly("rules/*.yml");
    Map<String, Object> external = Assets.map(global.get("external_labels"));
    assertThat(external).containsKeys("cluster", "region", "replica");
    // An HA pair differs only in `replica`; Alertmanager must see identical alerts to deduplicate them.
    Object drop = Assets.map(Assets.list(Assets.map(config.get("alerting")).get("alert_relabel_configs")).get(0));
    assertThat(Assets.map(drop)).containsEntry("action", "labeldrop").containsEntry("regex", "replica");
  }

  @Test
  void everyJobTheRulesNameIsScraped() {
    Set<String> jobs = jobNames(Assets.yamlMap(Assets.PROMETHEUS_CONFIG));
    Pattern jobMatcher = Pattern.compile("job(=~?)\"([^\"]+)\"");
    List<String> unknown = new ArrayList<>();
    for (RuleFiles.Rule rule : RuleFiles.shipped()) {
      Matcher m = jobMatcher.matcher(rule.expr);
      while (m.find()) {
        if (m.group(1).equals("=")) {
          if (!jobs.contains(m.group(2))) {
            unknown.add(rule + ": job " + m.group(2));
          }
        } else {
          Pattern p = Pattern.compile(m.group(2));
          for (String alternative : m.group(2).split("\\|")) {
            if (!jobs.contains(alternative) && jobs.stream().noneMatch(j -> p.matcher(j).matches())) {
              unknown.add(rule + ": job " + alternative);
            }
          }
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  @Test
  void everyScrapeJobHasATargetAbsentLineAndEveryLineAJob() {
    // A job without its absent() line can vanish without an alert, and every alert fed by its
    // exporter goes silent with it.
    Set<String> jobs = jobNames(Assets.yamlMap(Assets.PROMETHEUS_CONFIG));
    RuleFiles.Rule absent = RuleFiles.alert("TargetAbsent");
    Set<String> covered = new TreeSet<>();
    Matcher m = Pattern.compile("absent\\(up\\{job=\"([^\"]+)\"}\\)").matcher(absent.expr);
    while (m.find()) {
      covered.add(m.group(1));
    }
    assertThat(covered).as("jobs TargetAbsent watches").isEqualTo(jobs);
  }

  @Test
  void federationPullsEveryRecordedSeriesAndNoRawMetric() {
    Map<String, Object> config = Assets.yamlMap(PROMETHEUS_DIR.resolve("examples/federation-global.yml"));
    Map<String, Object> params = Assets.map(job(config, "federate-englog").get("params"));
    List<Pattern> names = new ArrayList<>();
    Pattern nameRegex = Pattern.compile("\\{__name__=~\"(.+)\"\\}");
    for (Object m : Assets.list(params.get("match[]"))) {
      Matcher matcher = nameRegex.matcher(String.valueOf(m));
      if (matcher.matches()) {
        names.add(Pattern.compile(matcher.group(1)));
      }
    }
    Set<String> records = RuleFiles.shipped().stream().filter(r -> !r.isAlert()).map(r -> r.record)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(records).allSatisfy(r ->
        assertThat(names).as("a match[] for %s", r).anyMatch(p -> p.matcher(r).matches()));
    assertThat(MetricCatalog.load().metrics().keySet()).allSatisfy(raw ->
        assertThat(names).as("no match[] for raw %s", raw).noneMatch(p -> p.matcher(raw).matches()));
  }

  /** The file names under /etc/prometheus/secrets/ the shipped configuration reads. */
  static Set<String> secretFiles() {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile(Pattern.quote(SECRETS) + "([A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9])")
        .matcher(Assets.read(Assets.PROMETHEUS_CONFIG));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Path copyPrometheusDir(Path target, Path secrets) throws IOException {
    try (Stream<Path> files = Files.walk(PROMETHEUS_DIR)) {
      for (Path f : files.collect(Collectors.toList())) {
        Path t = target.resolve(PROMETHEUS_DIR.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.writeString(t, Files.readString(f).replace(SECRETS, secrets + "/"));
        }
      }
    }
    return target;
  }

  static Set<String> jobNames(Map<String, Object> config) {
    Set<String> jobs = new TreeSet<>();
    for (Object o : Assets.list(config.get("scrape_configs"))) {
      jobs.add(String.valueOf(Assets.map(o).get("job_name")));
    }
    return jobs;
  }

  static Map<String, Object> job(Map<String, Object> config, String name) {
    for (Object o : Assets.list(config.get("scrape_configs"))) {
      if (name.equals(Assets.map(o).get("job_name"))) {
        return Assets.map(o);
      }
    }
    throw new AssertionError("no scrape job " + name);
  }

  private static long seconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)([smh])").matcher(duration);
    if (!m.matches()) {
      throw new AssertionError("unexpected duration " + duration);
    }
    long n = Long.parseLong(m.group(1));
    return m.group(2).equals("s") ? n : m.group(2).equals("m") ? n * 60 : n * 3600;
  }
}
