package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Amtool;
import com.englog.observability.testsupport.ToolRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Alertmanager configuration: valid for amtool 0.25, secrets only in {@code *_file} fields
 * 0.25 accepts, {@code matchers} with quoted values, and a routing matrix (every shipped alert reaches
 * exactly the receivers the policy says, proven with {@code amtool config routes test}).
 */
class AlertmanagerConfigTest {

  /** The {@code *_file} fields Alertmanager 0.25 accepts (checked with amtool 0.25). */
  static final Set<String> ACCEPTED_FILE_FIELDS = Set.of("slack_api_url_file", "api_url_file",
      "routing_key_file", "service_key_file", "auth_password_file", "smtp_auth_password_file",
      "opsgenie_api_key_file", "api_key_file", "credentials_file", "password_file", "ca_file",
      "cert_file", "key_file");
  /** Fields that hold a secret in clear text, and fields 0.25 rejects or that came later. */
  static final Set<String> FORBIDDEN_FIELDS = Set.of("slack_api_url", "api_url", "routing_key",
      "service_key", "auth_password", "smtp_auth_password", "auth_secret", "smtp_auth_secret",
      "api_key", "opsgenie_api_key", "credentials", "password", "bearer_token", "bearer_token_file",
      "url_file", "bot_token", "bot_token_file", "user_key_file", "token_file", "webhook_url_file",
      "api_secret_file", "msteams_configs", "discord_configs", "match", "match_re", "source_match",
      "source_match_re", "target_match", "target_match_re");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)\"(.*)\"");
  static final Pattern QUOTED_MATCHER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)\"[^\"]*\"");

  private final Map<String, Object> config = Assets.yamlMap(Assets.ALERTMANAGER_CONFIG);

  @Test
  void amtoolAcceptsTheShippedConfigurationAndRejectsTheSeeds() {
    ToolRun shipped = Amtool.checkConfig(Assets.ALERTMANAGER_CONFIG);
    assertThat(shipped.exitCode()).as(shipped.describe()).isZero();
    assertThat(shipped.stdout()).contains("SUCCESS").contains("6 receivers").contains("1 templates");

    ToolRun original = Amtool.checkConfig(Assets.MODULE.resolve("src/test/resources/mvp-024/alertmanager.yml"));
    assertThat(original.exitCode()).as("MVP-024's template placeholders are not valid configuration")
        .isNotZero();
  }

  @Test
  void secretsAreOnlyInFileFieldsAlertmanager025Accepts() {
    List<String> problems = new ArrayList<>();
    walk(config, "", (path, value) -> {
      String key = path.substring(path.lastIndexOf('.') + 1);
      if (FORBIDDEN_FIELDS.contains(key)) {
        problems.add(path + " must not be set (clear-text secret, deprecated, or not in 0.25)");
      }
      if (key.endsWith("_file")) {
        if (!ACCEPTED_FILE_FIELDS.contains(key)) {
          problems.add(path + " is not a *_file field Alertmanager 0.25 accepts");
        }
        if (!String.valueOf(value).startsWith("/etc/alertmanager/secrets/")) {
          problems.add(path + " = " + value + " is not under /etc/alertmanager/secrets/");
        }
      }
    });
    assertThat(problems).isEmpty();
    List<String> values = new ArrayList<>();
    walk(config, "", (path, value) -> values.add(String.valueOf(value)));
    assertThat(values).noneMatch(v -> v.contains("hooks.slack.com") || v.contains(".SlackWebhookURL")
        || v.contains(".PagerDutyKey") || v.contains("events.pagerduty.com"));
    // The e-mail relay is reached over TLS; only the test copy turns that off.
    assertThat(Assets.map(config.get("global"))).containsEntry("smtp_require_tls", true);
  }

  @Test
  void everyMatcherUsesTheMatchersSyntaxWithQuotedValues() {
    List<String> matchers = new ArrayList<>();
    walk(config, "", (path, value) -> {
      if (path.endsWith("matchers") && value instanceof List) {
        for (Object m : Assets.list(value)) {
          matchers.add(String.valueOf(m));
        }
      }
    });
    assertThat(matchers).hasSizeGreaterThan(8)
        .allSatisfy(m -> assertThat(m).matches(QUOTED_MATCHER));
  }

  @Test
  void everyShippedAlertReachesExactlyThePolicysReceivers() {
    List<String> failures = new ArrayList<>();
    Map<String, List<String>> matrix = new TreeMap<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      Map<String, String> labels = new LinkedHashMap<>(rule.labels);
      labels.put("alertname", rule.alert);
      List<String> expected = policy(labels);
      matrix.put(rule.id(), expected);
      ToolRun run = Amtool.routesTest(Assets.ALERTMANAGER_CONFIG, expected, labels);
      if (run.exitCode() != 0) {
        failures.add(rule.id() + " should reach " + expected + ": " + run.stdout().trim());
      }
    }
    assertThat(failures).isEmpty();
    // Nothing but info alerts relies on the default route.
    matrix.forEach((id, receivers) -> {
      if (receivers.contains("default")) {
        assertThat(id).contains("[info");
      }
    });
  }

  @Test
  void businessAlertsReachTheProductChannelWhateverTheirSeverityAndCriticalOnesPage() {
    for (String severity : List.of("info", "warning", "critical", "none")) {
      Map<String, String> labels = Map.of("alertname", "SyntheticBusinessAlert",
          "service", "business", "severity", severity);
      List<String> receivers = policy(labels);
      ToolRun run = Amtool.routesTest(Assets.ALERTMANAGER_CONFIG, receivers, labels);
      assertThat(run.exitCode()).as(run.describe()).isZero();
      for (String receiver : receivers) {
        assertThat(slackChannels(receiver)).contains("#product");
        assertThat(pages(receiver)).isEqualTo(severity.equals("critical"));
      }
    }
  }

  @Test
  void pagingReceiversOnlyGetCriticalAlertsAndTheWatchdogNeverReachesPeople() {
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      Map<String, String> labels = new LinkedHashMap<>(rule.labels);
      labels.put("alertname", rule.alert);
      for (String receiver : policy(labels)) {
        if (pages(receiver)) {
          assertThat(rule.labels.get("severity")).as(rule + " pages").isEqualTo("critical");
        }
      }
    }
    Map<String, Object> deadmansswitch = receiver("deadmansswitch");
    assertThat(deadmansswitch.keySet()).containsExactlyInAnyOrder("name", "webhook_configs");
  }

  @Test
  void everyNotificationToPeopleAlsoReportsResolution() {
    for (Object r : Assets.list(config.get("receivers"))) {
      Map<String, Object> receiver = Assets.map(r);
      for (String kind : List.of("slack_configs", "email_configs", "pagerduty_configs")) {
        for (Object c : Assets.list(receiver.get(kind))) {
          assertThat(Assets.map(c)).as(receiver.get("name") + " " + kind)
              .containsEntry("send_resolved", true);
        }
      }
    }
  }

  @Test
  void anOutageWithItsOwnAlertSilencesDependencyDownForTheSameComponentOnly() {
    // DatabaseDown/RedisDown and the services' DependencyDown report one outage: it must page once.
    for (String outage : List.of("DatabaseDown", "RedisDown")) {
      RuleFiles.Rule source = RuleFiles.alert(outage);
      Map<String, String> sourceLabels = new TreeMap<>(source.labels);
      sourceLabels.put("alertname", outage);
      sourceLabels.put("cluster", "c1");
      for (RuleFiles.Rule target : RuleFiles.alerts()) {
        if (!target.alert.equals("DependencyDown")) {
          continue;
        }
        // What DependencyDown carries: its static labels and the labels its expression keeps.
        Map<String, String> sameComponent = new TreeMap<>(target.labels);
        sameComponent.put("alertname", target.alert);
        sameComponent.put("cluster", "c1");
        sameComponent.put("job", "englog-api");
        sameComponent.put("component", sourceLabels.getOrDefault("component", "(none)"));
        assertThat(outputLabels(target.expr)).contains("component");
        assertThat(inhibited(sourceLabels, sameComponent))
            .as(outage + " silences " + target.id() + " of component " + sameComponent.get("component"))
            .isTrue();
        Map<String, String> otherComponent = new TreeMap<>(sameComponent);
        otherComponent.put("component", "search");
        assertThat(inhibited(sourceLabels, otherComponent))
            .as(outage + " must not silence " + target.id() + " of another component").isFalse();
        Map<String, String> otherCluster = new TreeMap<>(sameComponent);
        otherCluster.put("cluster", "c2");
        assertThat(inhibited(sourceLabels, otherCluster))
            .as(outage + " must not silence " + target.id() + " in another cluster").isFalse();
      }
    }
  }

  /** Whether some inhibit rule lets {@code source} (firing) suppress {@code target}. */
  private boolean inhibited(Map<String, String> source, Map<String, String> target) {
    for (Object r : Assets.list(config.get("inhibit_rules"))) {
      Map<String, Object> rule = Assets.map(r);
      boolean equal = true;
      for (Object label : Assets.list(rule.get("equal"))) {
        String a = source.get(String.valueOf(label));
        String b = target.get(String.valueOf(label));
        // Alertmanager treats a missing label as the empty value.
        equal &= (a == null ? "" : a).equals(b == null ? "" : b);
      }
      if (equal && matchesAll(rule.get("source_matchers"), source)
          && matchesAll(rule.get("target_matchers"), target)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesAll(Object matchers, Map<String, String> labels) {
    for (Object m : Assets.list(matchers)) {
      Matcher parts = MATCHER.matcher(String.valueOf(m));
      assertThat(parts.matches()).as(String.valueOf(m)).isTrue();
      String value = labels.getOrDefault(parts.group(1), "");
      String op = parts.group(2);
      String expected = parts.group(3);
      boolean match;
      if (op.equals("=~")) {
        match = value.matches(expected);
      } else if (op.equals("!~")) {
        match = !value.matches(expected);
      } else if (op.equals("!=")) {
        match = !value.equals(expected);
      } else {
        match = value.equals(expected);
      }
      if (!match) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> outputLabels(String expr) {
    Matcher by = Pattern.compile("by \\(([^)]*)\\)").matcher(expr);
    Set<String> out = new TreeSet<>();
    if (by.find()) {
      for (String l : by.group(1).split(",")) {
        out.add(l.trim());
      }
    }
    return out;
  }

  /**
   * The routing policy, written independently of the configuration: Watchdog to the dead-man's
   * switch; business to the product channel whatever the severity (critical ones also page); then
   * critical pages, warning goes to the alerts channel and e-mail, the rest to the default channel.
   */
  static List<String> policy(Map<String, String> labels) {
    if ("Watchdog".equals(labels.get("alertname"))) {
      return List.of("deadmansswitch");
    }
    boolean critical = "critical".equals(labels.get("severity"));
    if ("business".equals(labels.get("service"))) {
      return List.of(critical ? "business-critical" : "business-alerts");
    }
    if (critical) {
      return List.of("critical-alerts");
    }
    if ("warning".equals(labels.get("severity"))) {
      return List.of("warning-alerts");
    }
    return List.of("default");
  }

  private Map<String, Object> receiver(String name) {
    for (Object r : Assets.list(config.get("receivers"))) {
      if (name.equals(Assets.map(r).get("name"))) {
        return Assets.map(r);
      }
    }
    throw new AssertionError("no receiver " + name);
  }

  private Set<String> slackChannels(String receiver) {
    Set<String> channels = new TreeSet<>();
    for (Object c : Assets.list(receiver(receiver).get("slack_configs"))) {
      channels.add(String.valueOf(Assets.map(c).get("channel")));
    }
    return channels;
  }

  private boolean pages(String receiver) {
    return !Assets.list(receiver(receiver).get("pagerduty_configs")).isEmpty();
  }

  /** Calls {@code visitor} with the dotted path and value of every entry of a YAML tree. */
  static void walk(Object node, String path, BiConsumer<String, Object> visitor) {
    if (node instanceof Map) {
      Assets.map(node).forEach((k, v) -> {
        String p = path.isEmpty() ? k : path + "." + k;
        visitor.accept(p, v);
        walk(v, p, visitor);
      });
    } else if (node instanceof List) {
      List<Object> list = Assets.list(node);
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", visitor);
      }
    }
  }
}
