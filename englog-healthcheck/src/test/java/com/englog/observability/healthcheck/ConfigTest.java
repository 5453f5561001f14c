package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.healthcheck.internal.Config;
import com.englog.observability.healthcheck.internal.ConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @TempDir
  Path dir;

  private static Path example() throws Exception {
    return Path.of(ConfigTest.class.getResource("/healthcheck.yml").toURI());
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("hc.yml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void exampleResolvesPerProfileWithVariables() throws Exception {
    Config production = Config.load(example(), "production");
    Config staging = Config.load(example(), null);

    assertThat(production.profile()).isEqualTo("production");
    assertThat(production.endpoints()).extracting(e -> e.url()).contains(URI.create("https://api.englog.com/health/db"));
    assertThat(production.prometheus().bearerTokenFile()).isEqualTo("/run/secrets/prometheus-token");
    assertThat(staging.profile()).isEqualTo("staging");
    assertThat(staging.endpoints().get(0).url()).isEqualTo(URI.create("https://api-staging.englog.com/health"));
    assertThat(staging.endpoints().get(0).timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(staging.checks()).extracting(c -> c.name())
        .containsExactly("API p95 latency", "Error rate", "CPU usage", "Memory usage", "Active users (1h)");
    assertThat(staging.checks().get(4).query()).isEqualTo("max(englog_users_active{job=\"englog-api\",time_window=\"1h\"})");
    assertThat(staging.checks().get(4).passOnNoData()).isFalse();
    assertThat(staging.checks().get(0).passOnNoData()).isTrue();
    assertThat(staging.slack().webhookUrlEnv()).isEqualTo("ENGLOG_SLACK_WEBHOOK_URL");
  }

  @Test
  void errorsNameTheFieldAndTheAllowedValues() throws Exception {
    assertThatThrownBy(() -> Config.load(example(), "prod"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no profile \"prod\"")
        .hasMessageContaining("production");
    assertThatThrownBy(() -> Config.load(write("prometheus: {url: http://p:9090}\nchecks:\n"
        + "  - {name: x, query: up, operator: '=<', threshold: 1}\n"), null))
        .hasMessage("checks[0].operator must be one of <, <=, >, >=, ==, != (or lt, gt), was \"=<\"");
    assertThatThrownBy(() -> Config.load(write("prometheus: {url: http://p:9090}\nchecks:\n"
        + "  - {name: x, query: up, operator: '<', threshold: high}\n"), null))
        .hasMessage("checks[0].threshold must be a number, was \"high\"");
    assertThatThrownBy(() -> Config.load(write("endpoints:\n  - {name: x, url: '${api}/health'}\n"), null))
        .hasMessageContaining("endpoints[0].url uses ${api}, which the profile does not define");
    assertThatThrownBy(() -> Config.load(write("endpoints:\n  - {name: x, url: 'http://a/', timeout: 5 seconds}\n"), null))
        .hasMessageContaining("endpoints[0].timeout must be a duration like 500ms, 5s, 2m or 1h");
    assertThatThrownBy(() -> Config.load(write("slack: {webhookUrl: 'https://hooks.slack.com/x'}\n"), null))
        .hasMessageContaining("the webhook URL is a secret");
    assertThatThrownBy(() -> Config.load(write("endpoints: []\nchekcs: []\n"), null))
        .hasMessage("chekcs is not a known key; known keys there: checks, defaultProfile, endpoints, profiles, "
            + "prometheus, sla, slack");
    assertThatThrownBy(() -> Config.load(write("checks:\n  - {name: x, query: up, operator: '<', threshold: 1}\n"), null))
        .hasMessage("checks need prometheus.url");
    assertThatThrownBy(() -> Config.load(write("endpoints: [unclosed\n"), null))
        .hasMessageContaining("is not valid YAML");
    assertThatThrownBy(() -> Config.load(dir.resolve("missing.yml"), null))
        .hasMessageContaining("cannot read configuration");
  }

  @Test
  void profileSectionsOverrideKeyByKeyAndProfileListsAreAppended() throws Exception {
    Config c = Config.load(write("prometheus: {url: 'http://p:9090', timeout: 3s}\n"
        + "slack: {webhookUrlEnv: SLACK, notify: failure}\n"
        + "endpoints:\n  - {name: shared, url: 'http://a/'}\n"
        + "profiles:\n  prod:\n    prometheus: {bearerTokenEnv: PROM_TOKEN}\n    slack: {notify: always}\n"
        + "    sla: {dependencyObjective: 0.999}\n"
        + "    endpoints:\n      - {name: prod only, url: 'http://b/', timeout: 250ms, critical: false}\n"), "prod");

    assertThat(c.prometheus()).isEqualTo(new Config.Prometheus(URI.create("http://p:9090"), Duration.ofSeconds(3),
        null, "PROM_TOKEN"));
    assertThat(c.slack()).isEqualTo(new Config.Slack(null, "SLACK", false));
    assertThat(c.dependencyObjective()).isEqualTo(0.999);
    assertThat(c.slaPassOnNoData()).as("sla.onNoData defaults to fail").isFalse();
    assertThat(Config.load(write("sla: {onNoData: pass}\n"), null).slaPassOnNoData()).isTrue();
    assertThatThrownBy(() -> Config.load(write("sla: {onNoData: zero}\n"), null))
        .hasMessage("sla.onNoData must be fail or pass, was \"zero\"");
    assertThat(c.endpoints()).containsExactly(
        new Config.Endpoint("shared", URI.create("http://a/"), 200, Config.DEFAULT_TIMEOUT, true),
        new Config.Endpoint("prod only", URI.create("http://b/"), 200, Duration.ofMillis(250), false));
    assertThatThrownBy(() -> Config.load(write("profiles:\n  prod:\n    prometheus: {url: 'http://p/', tiemout: 3s}\n"),
        null)).hasMessage("profiles.prod.prometheus.tiemout is not a known key; known keys there: bearerTokenEnv, "
            + "bearerTokenFile, timeout, url");
    assertThatThrownBy(() -> Config.load(write("slack: {webhookUrlEnv: X, notify: sometimes}\n"), null))
        .hasMessage("slack.notify must be always or failure, was \"sometimes\"");
  }

  @Test
  void unknownKeysAndWrongTypesAreErrorsThatNameTheirPath() throws Exception {
    String prometheus = "prometheus: {url: 'http://p:9090'}\n";
    String check = "{name: x, query: up, operator: '<', threshold: 1}";
    assertThatThrownBy(() -> Config.load(write(prometheus + "checks:\n  - " + check + "\n  - " + check + "\n"
        + "  - {name: x, query: up, operator: '<', treshold: 1}\n"), null))
        .hasMessage("checks[2].treshold is not a known key; known keys there: critical, name, onNoData, operator, "
            + "query, threshold, timeout, unit");
    assertThatThrownBy(() -> Config.load(write(prometheus + "profiles:\n  production:\n    checks:\n"
        + "      - {name: x, query: up, operator: '<', threshold: [1]}\n"), "production"))
        .hasMessage("profiles.production.checks[0].threshold must be a number");
    assertThatThrownBy(() -> Config.load(write(prometheus + "profiles:\n  production: {}\n  staging:\n"
        + "    endpoints:\n      - {name: x, url: 'http://a/', critical: 'no'}\n"), "production"))
        .as("every profile is checked, not only the one that runs")
        .hasMessage("profiles.staging.endpoints[0].critical must be true or false, was \"no\"");
    assertThatThrownBy(() -> Config.load(write("endpoints:\n  - {name: x, url: 'http://a/', expectedStatus: 200.5}\n"),
        null)).hasMessage("endpoints[0].expectedStatus must be a whole number, was \"200.5\"");
    assertThatThrownBy(() -> Config.load(write(prometheus + "checks:\n  - {name: x, query: up, operator: '<', "
        + "threshold: '5'}\n"), null)).hasMessage("checks[0].threshold must be a number, was \"5\"");
    assertThatThrownBy(() -> Config.load(write("endpoints:\n  - {name: x, url: 'http://a/'}\n  - unclear\n"), null))
        .hasMessage("endpoints[1] must be a mapping, was \"unclear\"");
    assertThatThrownBy(() -> Config.load(write("endpoints: {name: x}\n"), null))
        .hasMessage("endpoints must be a list");
    assertThatThrownBy(() -> Config.load(write(prometheus + "checks:\n  - {name: x, query: up, threshold: 1}\n"),
        null)).hasMessage("checks[0].operator is required: one of <, <=, >, >=, ==, != (or lt, gt)");
    assertThatThrownBy(() -> Config.load(write("sla: {onNoData: pass}\nsla: {onNoData: fail}\n"), null))
        .hasMessageContaining("Duplicate field 'sla'").hasMessageContaining("line 2");
    assertThatThrownBy(() -> Config.load(write("- just\n- a list\n"), null))
        .hasMessage("the configuration must be a mapping");
    assertThat(Config.load(write("# nothing yet\n"), null).endpoints()).isEmpty();
  }

  @Test
  void mvp024OperatorsLtAndGtAreAccepted() throws Exception {
    Config c = Config.load(write("prometheus: {url: 'http://p:9090'}\nchecks:\n"
        + "  - {name: a, query: up, operator: lt, threshold: 1}\n  - {name: b, query: up, operator: gt, threshold: 1}\n"),
        null);
    assertThat(c.checks()).extracting(m -> m.operator()).containsExactly(Config.Operator.LT, Config.Operator.GT);
  }
}
