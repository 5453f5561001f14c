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
        .hasMessageContaining("unknown key \"chekcs\"");
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
        null)).hasMessage("unknown key \"tiemout\" in prometheus; known keys: [bearerTokenEnv, bearerTokenFile, "
            + "timeout, url]");
    assertThatThrownBy(() -> Config.load(write("slack: {webhookUrlEnv: X, notify: sometimes}\n"), null))
        .hasMessage("slack.notify must be always or failure, was \"sometimes\"");
  }

  @Test
  void mvp024OperatorsLtAndGtAreAccepted() throws Exception {
    Config c = Config.load(write("prometheus: {url: 'http://p:9090'}\nchecks:\n"
        + "  - {name: a, query: up, operator: lt, threshold: 1}\n  - {name: b, query: up, operator: gt, threshold: 1}\n"),
        null);
    assertThat(c.checks()).extracting(m -> m.operator()).containsExactly("<", ">");
  }
}
