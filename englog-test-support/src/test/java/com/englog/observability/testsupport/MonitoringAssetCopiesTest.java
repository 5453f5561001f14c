package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copies a test or the demo runs differ from the shipped monitoring assets only where they may:
 * both YAML trees are walked and every path whose value differs must be one of the allowed keys; the
 * divided durations are checked against hand-computed values.
 */
class MonitoringAssetCopiesTest {

  private static final Path SHIPPED = TestEnvironment.repositoryRoot().resolve("monitoring-assets/src/main/assets");
  private static final String RECEIVERS = "http://127.0.0.1:9/alertmanager/";

  @TempDir Path parent;
  private MonitoringAssetCopies copies;

  @BeforeEach
  void write() {
    copies = MonitoringAssetCopies.builder(SHIPPED)
        .timeDivisor(20)
        .target("englog-api", "127.0.0.1:18080")
        .target("englog-worker", "127.0.0.1:18081")
        .target("prometheus", "127.0.0.1:19090")
        .alertmanager("127.0.0.1:19093")
        .receiverUrl(name -> URI.create(RECEIVERS + name))
        .under(parent)
        .write();
  }

  @AfterEach
  void noSecretInTheCheckout() {
    assertThat(copies.directory().startsWith(TestEnvironment.repositoryRoot())).isFalse();
  }

  @Test
  void prometheusConfigDiffersOnlyInTargetsSecretPathsAndIntervals() {
    Set<String> differences = differences(load(SHIPPED.resolve("prometheus/prometheus.yml")),
        load(copies.prometheusConfig()));
    assertOnlyAllowed(differences, List.of(
        "global/(scrape_interval|scrape_timeout|evaluation_interval)",
        "scrape_configs/\\d+/(scrape_interval|scrape_timeout)",
        "scrape_configs/\\d+/static_configs/\\d+/targets(/\\d+)?",
        "alerting/alertmanagers/\\d+/static_configs/\\d+/targets/\\d+",
        ".*/(password_file|credentials_file)"));
    assertThat(differences).contains("global/evaluation_interval", "scrape_configs/0/static_configs/0/targets/0",
        "alerting/alertmanagers/0/static_configs/0/targets/0", "scrape_configs/0/authorization/credentials_file");

    Map<String, Object> copy = map(load(copies.prometheusConfig()));
    assertThat(map(copy.get("global"))).containsEntry("scrape_interval", "750ms")
        .containsEntry("scrape_timeout", "500ms").containsEntry("evaluation_interval", "750ms");
    Map<String, Object> api = job(copy, "englog-api");
    assertThat(api).containsEntry("scrape_interval", "500ms").containsEntry("scrape_timeout", "250ms");
    assertThat(map(list(api.get("static_configs")).get(0)).get("targets")).isEqualTo(List.of("127.0.0.1:18080"));
    assertThat(map(list(job(copy, "nginx").get("static_configs")).get(0)).get("targets")).isEqualTo(List.of());
    assertThat(map(api.get("authorization")).get("credentials_file"))
        .isEqualTo(copies.metricsTokenFile().toString());
  }

  @Test
  void rulesDifferOnlyInDividedForsIntervalsRangesAndOffsets() throws Exception {
    List<Path> shippedRules;
    try (Stream<Path> files = Files.list(SHIPPED.resolve("prometheus/rules"))) {
      shippedRules = files.sorted().collect(Collectors.toList());
    }
    assertThat(shippedRules).isNotEmpty();
    int fors = 0;
    for (Path shipped : shippedRules) {
      Path copy = copies.prometheusConfig().resolveSibling("rules").resolve(shipped.getFileName());
      Object shippedTree = load(shipped);
      Object copyTree = load(copy);
      assertOnlyAllowed(differences(shippedTree, copyTree), List.of(
          "groups/\\d+/interval", "groups/\\d+/rules/\\d+/(for|keep_firing_for|expr)"));
      List<Object> shippedGroups = list(map(shippedTree).get("groups"));
      List<Object> copyGroups = list(map(copyTree).get("groups"));
      for (int g = 0; g < shippedGroups.size(); g++) {
        List<Object> shippedRulesOfGroup = list(map(shippedGroups.get(g)).get("rules"));
        List<Object> copyRulesOfGroup = list(map(copyGroups.get(g)).get("rules"));
        for (int r = 0; r < shippedRulesOfGroup.size(); r++) {
          Map<String, Object> before = map(shippedRulesOfGroup.get(r));
          Map<String, Object> after = map(copyRulesOfGroup.get(r));
          for (String key : List.of("for", "keep_firing_for")) {
            if (before.containsKey(key)) {
              fors++;
              assertThat(MonitoringAssetCopies.millis(after.get(key).toString()) * 20)
                  .as(shipped.getFileName() + " " + before.get("alert") + " " + key)
                  .isEqualTo(MonitoringAssetCopies.millis(before.get(key).toString()));
            }
          }
          // Only durations inside [..] and after offset changed.
          assertThat(maskDurations(after.get("expr").toString()))
              .isEqualTo(maskDurations(before.get("expr").toString()));
        }
      }
    }
    assertThat(fors).isGreaterThan(10);
  }

  @Test
  void dividesDurationsAsPromQlReadsThem() {
    assertThat(MonitoringAssetCopies.divide("2m", 20)).isEqualTo("6s");
    assertThat(MonitoringAssetCopies.divide("5m", 20)).isEqualTo("15s");
    assertThat(MonitoringAssetCopies.divide("15s", 20)).isEqualTo("750ms");
    assertThat(MonitoringAssetCopies.divide("1d", 20)).isEqualTo("1h12m");
    assertThat(MonitoringAssetCopies.divide("1w", 20)).isEqualTo("8h24m");
    assertThat(MonitoringAssetCopies.divide("0m", 20)).isEqualTo("0s");
    assertThat(MonitoringAssetCopies.divide("1h30m", 1)).isEqualTo("1h30m");
    assertThat(MonitoringAssetCopies.divideRanges(
        "rate(x_total{path=~\"/a[0-9]+\"}[5m]) / rate(x_total[1d] offset 1h)"
            + " + max_over_time(y[30m:1m]) + z offset -1w # not [5m]", 20))
        .isEqualTo("rate(x_total{path=~\"/a[0-9]+\"}[15s]) / rate(x_total[1h12m] offset 3m)"
            + " + max_over_time(y[1m30s:3s]) + z offset -8h24m # not [5m]");

    Map<String, Object> rule = findRule("AIProcessingFailures");
    Map<String, Object> shipped = findShippedRule("AIProcessingFailures");
    assertThat(MonitoringAssetCopies.millis(rule.get("for").toString()) * 20)
        .isEqualTo(MonitoringAssetCopies.millis(shipped.get("for").toString()));
  }

  @Test
  void alertmanagerConfigDiffersOnlyInReceiversSecretPathsAndGroupTimings() {
    Object shipped = load(SHIPPED.resolve("alertmanager/alertmanager.yml"));
    Object copy = load(copies.alertmanagerConfig());
    assertOnlyAllowed(differences(shipped, copy), List.of(
        "global/\\w+_file",
        "route(/routes/\\d+)*/(group_wait|group_interval|repeat_interval)",
        "receivers/\\d+/(slack_configs|pagerduty_configs|email_configs|webhook_configs)(/.*)?"));

    Map<String, Object> route = map(map(copy).get("route"));
    assertThat(route).containsEntry("group_wait", "1s500ms").containsEntry("group_interval", "15s")
        .containsEntry("repeat_interval", "12m");
    List<String> names = new ArrayList<>();
    for (Object r : list(map(copy).get("receivers"))) {
      Map<String, Object> receiver = map(r);
      String name = receiver.get("name").toString();
      names.add(name);
      assertThat(receiver.keySet()).containsExactlyInAnyOrder("name", "webhook_configs");
      assertThat(map(list(receiver.get("webhook_configs")).get(0)).get("url")).isEqualTo(RECEIVERS + name);
    }
    List<String> shippedNames = new ArrayList<>();
    list(map(shipped).get("receivers")).forEach(r -> shippedNames.add(map(r).get("name").toString()));
    assertThat(names).isEqualTo(shippedNames);
  }

  @Test
  void templatesAreByteIdenticalAndWebConfigsCarryThisRunsHash() throws Exception {
    try (Stream<Path> files = Files.list(SHIPPED.resolve("alertmanager/templates"))) {
      for (Path t : files.collect(Collectors.toList())) {
        assertThat(copies.alertmanagerConfig().resolveSibling("templates").resolve(t.getFileName()))
            .hasSameBinaryContentAs(t);
      }
    }
    for (String server : List.of("prometheus", "alertmanager")) {
      Path copy = server.equals("prometheus") ? copies.prometheusWebConfig() : copies.alertmanagerWebConfig();
      Object shippedTree = load(SHIPPED.resolve(server + "/web-config.yml"));
      Object copyTree = load(copy);
      assertOnlyAllowed(differences(shippedTree, copyTree), List.of("basic_auth_users/prometheus"));
      String hash = map(map(copyTree).get("basic_auth_users")).get("prometheus").toString();
      assertThat(OpenBSDBCrypt.checkPassword(hash, copies.password().toCharArray())).isTrue();
    }
  }

  @Test
  void secretsLiveInAPrivateDirectoryAndEveryReferencedFileExists() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copies.directory())))
        .isEqualTo("rwx------");
    assertThat(Files.readString(copies.metricsTokenFile())).isEqualTo(copies.metricsToken());
    Set<String> referenced = new TreeSet<>();
    collectFiles(load(copies.prometheusConfig()), referenced);
    collectFiles(load(copies.alertmanagerConfig()), referenced);
    assertThat(referenced).isNotEmpty();
    for (String file : referenced) {
      Path p = Path.of(file);
      assertThat(p).startsWith(copies.secrets()).isRegularFile();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
    }
  }

  private static void collectFiles(Object node, Set<String> out) {
    if (node instanceof Map) {
      map(node).forEach((k, v) -> {
        if (k.endsWith("_file") && v instanceof String) {
          out.add((String) v);
        } else {
          collectFiles(v, out);
        }
      });
    } else if (node instanceof List) {
      list(node).forEach(i -> collectFiles(i, out));
    }
  }

  private static final Pattern RANGE_OR_OFFSET =
      Pattern.compile("(\\[\\s*)[0-9a-z]+(\\s*(?::\\s*[0-9a-z]*\\s*)?\\])|(offset\\s+-?)[0-9a-z]+");

  private static String maskDurations(String expr) {
    return RANGE_OR_OFFSET.matcher(expr).replaceAll(m -> m.group(3) != null ? "$3D" : "$1D$2");
  }

  private Map<String, Object> findRule(String alert) {
    return find(copies.prometheusConfig().resolveSibling("rules"), alert);
  }

  private static Map<String, Object> findShippedRule(String alert) {
    return find(SHIPPED.resolve("prometheus/rules"), alert);
  }

  private static Map<String, Object> find(Path dir, String alert) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().collect(Collectors.toList())) {
        for (Object g : list(map(load(f)).get("groups"))) {
          for (Object r : list(map(g).get("rules"))) {
            if (alert.equals(map(r).get("alert"))) {
              return map(r);
            }
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("no rule " + alert + " in " + dir);
  }

  private static Map<String, Object> job(Map<String, Object> config, String name) {
    for (Object j : list(config.get("scrape_configs"))) {
      if (name.equals(map(j).get("job_name"))) {
        return map(j);
      }
    }
    throw new AssertionError("no job " + name);
  }

  /** Every path (keys and list indexes joined by '/') where the two trees differ. */
  static Set<String> differences(Object a, Object b) {
    Set<String> out = new LinkedHashSet<>();
    diff("", a, b, out);
    return out;
  }

  private static void diff(String path, Object a, Object b, Set<String> out) {
    if (a instanceof Map && b instanceof Map) {
      Set<String> keys = new TreeSet<>(map(a).keySet());
      keys.addAll(map(b).keySet());
      for (String k : keys) {
        diff(path.isEmpty() ? k : path + "/" + k, map(a).get(k), map(b).get(k), out);
      }
    } else if (a instanceof List && b instanceof List) {
      int n = Math.max(list(a).size(), list(b).size());
      for (int i = 0; i < n; i++) {
        diff(path + "/" + i, i < list(a).size() ? list(a).get(i) : null,
            i < list(b).size() ? list(b).get(i) : null, out);
      }
    } else if (a == null ? b != null : !a.equals(b)) {
      out.add(path);
    }
  }

  private static void assertOnlyAllowed(Set<String> differences, List<String> allowed) {
    List<Pattern> patterns = allowed.stream().map(Pattern::compile).collect(Collectors.toList());
    List<String> unexpected = differences.stream()
        .filter(d -> patterns.stream().noneMatch(p -> p.matcher(d).matches()))
        .collect(Collectors.toList());
    assertThat(unexpected).as("paths that differ from the shipped file").isEmpty();
  }

  private static Object load(Path file) {
    return MonitoringAssetCopies.load(file);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }
}
