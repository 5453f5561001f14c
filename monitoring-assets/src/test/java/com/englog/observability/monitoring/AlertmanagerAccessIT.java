package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.AlertmanagerServer;
import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.PrometheusServer;
import com.englog.observability.testsupport.TestEnvironment;
import com.englog.observability.testsupport.ToolRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Alertmanager started with the shipped web config (the hashes replaced, as the deploy docs say):
 * anonymous calls are refused; Prometheus, with the shipped {@code alerting} section and its password
 * file, delivers alerts; and the on-call engineer's {@code amtool}, set up with exactly the two files
 * docs/operations.md shows, runs a runbook's silence command and the deploy drill as written.
 */
class AlertmanagerAccessIT {

  /** A test-only password and its bcrypt hash ({@code htpasswd -nbBC 10 x englog-test-password}). */
  private static final String PASSWORD = "englog-test-password";
  private static final String HASH = "$2b$10$9uwK3U084p28.lId6ri.8.B3zuK7jVpysyMgP8gp6efAt/fOSPnhC";
  private static final Pattern YAML_BLOCK = Pattern.compile("(?s)```yaml\\n(# [^\\n]+)\\n(.*?)```");
  private static final Pattern SH_BLOCK = Pattern.compile("(?s)```sh\\n(amtool silence add.*?)```");
  private static final Pattern DRILL_BLOCK =
      Pattern.compile("(?s)```sh\\n(\\s*amtool alert add alertname=DeployDrill.*?)\\n\\s*```");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void onlyAuthenticatedCallersReachTheShippedAlertmanagerAndTheDocumentedAmtoolSetupSilences()
      throws IOException {
    Path dir = TestEnvironment.scratchDirectory("alertmanager-access");
    String shippedWebConfig = Assets.read(Assets.ROOT.resolve("alertmanager/web-config.yml"));
    String webConfig = shippedWebConfig.replaceAll("(?m)^  prometheus: \"[^\"]+\"$",
        "  prometheus: \"" + Matcher.quoteReplacement(HASH) + "\"")
        + "  oncall: \"" + HASH + "\"\n";
    assertThat(webConfig).as("the shipped hash was replaced").doesNotContain(
        shippedWebConfig.substring(shippedWebConfig.indexOf("$2b$")).trim());
    Path webConfigFile = Files.writeString(dir.resolve("web-config.yml"), webConfig);
    Path config = Files.writeString(dir.resolve("alertmanager.yml"),
        "route:\n  receiver: nobody\n  group_wait: 1s\nreceivers:\n  - name: nobody\n");
    try (AlertmanagerServer am = AlertmanagerServer.builder().config(config)
        .webConfig(webConfigFile, "prometheus", PASSWORD).start()) {

      // Nobody without the password: neither the API nor amtool.
      ToolRun anonymous = amtool(dir.resolve("anonymous-home"), "--alertmanager.url=" + am.baseUri(),
          "silence", "query");
      assertThat(anonymous.exitCode()).as(anonymous.describe()).isNotZero();
      assertThat(anonymous.stdout() + anonymous.stderr()).contains("status 401");

      // Prometheus with the shipped alerting section (user prometheus, password from its file).
      deliversAnAlertWithTheShippedAlertingSection(dir, am);

      // The on-call setup of docs/operations.md, verbatim but for the URL and the home directory.
      Path home = Files.createDirectories(dir.resolve("home"));
      Path amtoolDir = Files.createDirectories(home.resolve(".config/prometheus"));
      String guide = Assets.read(Assets.MODULE.resolve("../docs/operations.md").normalize());
      Map<String, String> files = new TreeMap<>();
      Matcher m = YAML_BLOCK.matcher(guide);
      while (m.find()) {
        files.put(m.group(1).substring(2).trim(), m.group(2));
      }
      String amtoolYml = files.get("~/.config/prometheus/amtool.yml");
      String httpYml = files.get("/home/you/.config/prometheus/alertmanager-http.yml");
      assertThat(amtoolYml).as("operations.md shows amtool.yml").isNotNull();
      assertThat(httpYml).as("operations.md shows alertmanager-http.yml").isNotNull();
      Files.writeString(amtoolDir.resolve("amtool.yml"), localise(amtoolYml, am, amtoolDir));
      Files.writeString(amtoolDir.resolve("alertmanager-http.yml"), localise(httpYml, am, amtoolDir));
      Files.writeString(amtoolDir.resolve("alertmanager-password"), PASSWORD);

      // A runbook's silence command, exactly as the page prints it.
      Matcher command = SH_BLOCK.matcher(Assets.read(Assets.RUNBOOKS.resolve("DatabaseDown.md")));
      assertThat(command.find()).as("DatabaseDown.md shows its silence command").isTrue();
      ToolRun silence = ToolRun.run(List.of("env", "HOME=" + home, "USER=oncall",
          "PATH=" + ExternalTool.AMTOOL.require().getParent() + ":/usr/bin:/bin", "bash", "-e", "-c",
          command.group(1)), null, WAIT);
      assertThat(silence.exitCode()).as(silence.describe()).isZero();
      ToolRun query = amtool(home, "silence", "query", "-o", "json");
      assertThat(query.exitCode()).as(query.describe()).isZero();
      assertThat(query.stdout()).contains("\"value\":\"DatabaseDown\"").contains("\"createdBy\":\"oncall\"");

      // The deploy drill of docs/monitoring-assets.md ("Prove the alert path"), as printed.
      String deployDocs = Assets.read(Assets.MODULE.resolve("../docs/monitoring-assets.md").normalize());
      Matcher drill = DRILL_BLOCK.matcher(deployDocs);
      assertThat(drill.find()).as("monitoring-assets.md shows the drill").isTrue();
      ToolRun sent = ToolRun.run(List.of("env", "HOME=" + home, "USER=oncall",
          "PATH=" + ExternalTool.AMTOOL.require().getParent() + ":/usr/bin:/bin", "bash", "-e", "-c",
          drill.group(1)), null, WAIT);
      assertThat(sent.exitCode()).as(sent.describe()).isZero();
      am.awaitAlerts(alerts -> alerts.toString().contains("\"alertname\":\"DeployDrill\""), WAIT);
    }
  }

  private static void deliversAnAlertWithTheShippedAlertingSection(Path dir, AlertmanagerServer am)
      throws IOException {
    Path passwordFile = Files.writeString(dir.resolve("alertmanager-password"), PASSWORD);
    Path rules = Files.writeString(dir.resolve("rules.yml"), "groups:\n  - name: drill\n    rules:\n"
        + "      - alert: DeliveryDrill\n        expr: vector(1)\n");
    Map<String, Object> alerting = Assets.map(Assets.yamlMap(Assets.PROMETHEUS_CONFIG).get("alerting"));
    for (Object a : Assets.list(alerting.get("alertmanagers"))) {
      Map<String, Object> target = Assets.map(a);
      Assets.map(target.get("basic_auth")).put("password_file", passwordFile.toString());
      target.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + am.port()))));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("global", Map.of("evaluation_interval", "1s"));
    config.put("rule_files", List.of(rules.toString()));
    config.put("alerting", alerting);
    // The first notification may go out before the Alertmanager is discovered; resend every second
    // instead of every minute.
    try (PrometheusServer prometheus = PrometheusServer.builder()
        .configYaml(Assets.yamlText(config)).flag("--rules.alert.resend-delay=1s").start()) {
      am.awaitAlerts(alerts -> alerts.toString().contains("DeliveryDrill"), WAIT);
      assertThat(prometheus.get("/api/v1/alertmanagers").toString()).contains("127.0.0.1:" + am.port());
    }
  }

  private static String localise(String yaml, AlertmanagerServer am, Path amtoolDir) {
    return yaml.replace("https://alertmanager.englog.com", am.baseUri().toString())
        .replace("/home/you/.config/prometheus/", amtoolDir + "/");
  }

  private static ToolRun amtool(Path home, String... args) {
    List<String> command = new ArrayList<>(List.of("env", "HOME=" + home,
        ExternalTool.AMTOOL.require().toString()));
    command.addAll(List.of(args));
    return ToolRun.run(command, null, WAIT);
  }
}
