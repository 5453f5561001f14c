package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Amtool;
import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published artifact (the zip the package phase built): the layout docs/design.md promises, exactly the
 * files of src/main/assets, every path the compose file mounts inside it, and the unpacked copy valid
 * for promtool and amtool as a deploy job would use it.
 */
class AssetZipIT {

  @Test
  void theZipHasTheDocumentedLayoutAndExactlyTheSourceFiles() throws IOException {
    Set<String> entries = entries();
    assertThat(entries).contains("prometheus/prometheus.yml", "prometheus/rules/englog-alerts.yml",
        "prometheus/rules/englog-slo.yml", "alertmanager/alertmanager.yml",
        "alertmanager/templates/englog.tmpl", "grafana/dashboards/englog-overview.json",
        "grafana/provisioning/datasources/englog.yml", "grafana/provisioning/dashboards/englog.yml",
        "docker-compose.monitoring.yml", "otel-collector/otel-collector.yml", "runbooks/README.md",
        "runbooks/HighErrorRate.md");
    Set<String> sources;
    try (Stream<Path> files = Files.walk(Assets.ROOT)) {
      sources = files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals(".gitkeep"))
          .map(f -> Assets.ROOT.relativize(f).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(entries).isEqualTo(sources);
  }

  @Test
  void everyPathTheComposeFileMountsIsInTheZip() throws IOException {
    Set<String> entries = entries();
    List<String> missing = new ArrayList<>();
    Assets.map(Assets.yamlMap(Assets.COMPOSE).get("services")).forEach((name, s) ->
        ComposeFileTest.mounts(Assets.map(s)).values().stream().filter(src -> src.startsWith("./"))
            .map(src -> src.substring(2).replaceAll("/$", ""))
            .filter(p -> !entries.contains(p) && entries.stream().noneMatch(e -> e.startsWith(p + "/")))
            .forEach(p -> missing.add(name + ": " + p)));
    assertThat(missing).isEmpty();
  }

  @Test
  void theUnpackedCopyPassesPromtoolAndAmtool(@TempDir Path dir) throws IOException {
    unpack(dir);
    ToolRun config = Promtool.run(null, "check", "config", "--syntax-only",
        dir.resolve("prometheus/prometheus.yml").toString());
    assertThat(config.exitCode()).as(config.describe()).isZero();
    ToolRun ruleCheck = checkRules(dir.resolve("prometheus/rules"));
    assertThat(ruleCheck.exitCode()).as(ruleCheck.describe()).isZero();
    ToolRun am = Amtool.checkConfig(dir.resolve("alertmanager/alertmanager.yml"));
    assertThat(am.exitCode()).as(am.describe()).isZero();
    assertThat(am.stdout()).contains("1 templates");
  }

  /** The link rewrite of docs/monitoring-assets.md, run as printed on an unpacked copy. */
  @Test
  void theDocumentedLinkRewriteMovesEveryLinkAndKeepsTheRulesValid(@TempDir Path dir) throws IOException {
    Path monitoring = Files.createDirectories(dir.resolve("monitoring"));
    unpack(monitoring);
    String docs = Assets.read(Assets.MODULE.resolve("../docs/monitoring-assets.md").normalize());
    String section = docs.substring(docs.indexOf("### Rewriting the link bases"));
    Matcher block = Pattern.compile("(?s)```sh\n(sed -i.*?)```").matcher(section);
    assertThat(block.find()).as("the docs show the rewrite command").isTrue();
    ToolRun rewrite = ToolRun.run(List.of("bash", "-e", "-c", block.group(1)), null,
        Duration.ofSeconds(60), dir);
    assertThat(rewrite.exitCode()).as(rewrite.describe()).isZero();

    List<Path> rewritten = new ArrayList<>();
    rewritten.addAll(Assets.list(monitoring.resolve("prometheus/rules"), ".yml"));
    rewritten.addAll(Assets.list(monitoring.resolve("runbooks"), ".md"));
    for (Path f : rewritten) {
      assertThat(Assets.read(f)).as(f.getFileName().toString())
          .doesNotContain(RunbookTest.BASE).doesNotContain("https://grafana.englog.com/");
    }
    List<RuleFiles.Rule> alerts = RuleFiles.load(Assets.list(monitoring.resolve("prometheus/rules"), ".yml"))
        .stream().filter(RuleFiles.Rule::isAlert).collect(Collectors.toList());
    assertThat(alerts).hasSameSizeAs(RuleFiles.alerts()).allSatisfy(r -> {
      assertThat(r.annotations.get("runbook_url")).startsWith("https://wiki.example.com/englog/runbooks/"
          + r.alert + ".md#");
      assertThat(r.annotations.get("dashboard_url")).startsWith("https://grafana.example.com/d/englog-");
    });
    ToolRun ruleCheck = checkRules(monitoring.resolve("prometheus/rules"));
    assertThat(ruleCheck.exitCode()).as(ruleCheck.describe()).isZero();
  }

  private static ToolRun checkRules(Path rulesDir) {
    return Promtool.checkRules(Assets.list(rulesDir, ".yml").toArray(new Path[0]));
  }

  /** Unpacks the built zip into {@code dir}, as maven-dependency-plugin's unpack would. */
  private static void unpack(Path dir) throws IOException {
    try (ZipFile zip = new ZipFile(zipFile().toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        Path target = dir.resolve(e.getName()).normalize();
        assertThat(target.startsWith(dir)).as("entry stays inside the target: " + e.getName()).isTrue();
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, target);
          }
        }
      }
    }
  }

  private static Set<String> entries() throws IOException {
    Set<String> out = new TreeSet<>();
    try (ZipFile zip = new ZipFile(zipFile().toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (!e.isDirectory()) {
          out.add(e.getName());
        }
      }
    }
    return out;
  }

  private static Path zipFile() throws IOException {
    try (Stream<Path> files = Files.list(Assets.MODULE.resolve("target"))) {
      List<Path> zips = files.filter(f -> f.getFileName().toString().matches("englog-monitoring-assets-.+\\.zip"))
          .collect(Collectors.toList());
      assertThat(zips).as("the package phase built exactly one zip").hasSize(1);
      return zips.get(0);
    }
  }
}
