package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.healthcheck.internal.Config;
import com.englog.observability.testsupport.DocsSnippets;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docs/healthcheck.md} stays true: its configuration is the tested example file, and each
 * scheduling example (systemd, cron, Kubernetes CronJob) runs the production profile with what that
 * profile reads: the configuration file, the Prometheus token file and the Slack webhook variable.
 */
class HealthCheckDocsTest {

  private static final Path DOC = Path.of("..", "docs", "healthcheck.md");
  private static final Path EXAMPLE = Path.of("src", "test", "resources", "healthcheck.yml");
  private static final String CONFIG_PATH = "/etc/englog/healthcheck.yml";

  /** The page's {@code ```language} blocks, each with the newline that ends its last line. */
  private static List<String> blocks(String language) {
    List<String> blocks = new ArrayList<>();
    DocsSnippets.fencedBlocks(DOC, language).forEach(b -> blocks.add(b + "\n"));
    assertThat(blocks).as("```%s blocks in docs/healthcheck.md", language).isNotEmpty();
    return blocks;
  }

  private static Config production() throws Exception {
    return Config.load(EXAMPLE, "production");
  }

  @Test
  void configurationIsTheTestedExampleFile() throws Exception {
    String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    assertThat(blocks("yaml")).as("docs/healthcheck.md shows %s verbatim", EXAMPLE).contains(example);
  }

  @Test
  void jsonReportIsTheGoldenFile() throws Exception {
    String golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/healthcheck-report.json")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    // The page breaks the line after each check for reading; the golden file has one line.
    assertThat(blocks("json").get(0).replaceAll("\\n\\s*", "")).isEqualTo(golden);
  }

  @Test
  void systemdUnitsHaveNoInlineCommentsAndFeedTheProductionProfile() throws Exception {
    List<String> units = blocks("ini");
    for (String unit : units) {
      for (String line : unit.split("\n")) {
        if (line.matches("[A-Za-z]+=.*")) {
          assertThat(line).as("systemd takes everything after '=' as the value, comments included")
              .doesNotContain("#");
        }
      }
    }
    String service = units.get(0);
    assertThat(service).contains("Type=oneshot", "ENGLOG_HEALTHCHECK_CONFIG=" + CONFIG_PATH, "--profile production");
    assertThat(service).as("the Slack variable the profile reads comes from an EnvironmentFile")
        .containsPattern("(?m)^EnvironmentFile=/\\S+$").contains(production().slack().webhookUrlEnv());
    assertThat(units.get(1)).contains("[Timer]", "OnCalendar=*:0/5", "WantedBy=timers.target");
  }

  @Test
  void cronLinesAreCompleteAndFeedTheProductionProfile() throws Exception {
    for (String line : blocks("cron").get(0).split("\n")) {
      String[] fields = line.trim().split("\\s+", 7);
      assertThat(fields).as("cron.d line: 5 time fields, a user, a command: %s", line).hasSize(7);
      for (int i = 0; i < 5; i++) {
        assertThat(fields[i]).as("time field %d of %s", i, line).matches("[0-9*/,-]+");
      }
      String command = fields[6];
      assertThat(command).as("cron turns %% into newlines").doesNotContain("%");
      assertThat(command).contains("--config " + CONFIG_PATH, "--profile production");
      assertThat(command).as("the webhook variable comes from a sourced file, not the crontab")
          .containsPattern("set -a; \\. /\\S+;").doesNotContain("https://");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void cronJobMountsEveryFileTheProfileReadsAndSetsItsSlackVariable() throws Exception {
    String yaml = blocks("yaml").stream().filter(b -> b.contains("kind: CronJob")).findFirst().orElseThrow();
    Map<String, Object> cronJob = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
        ((Map<String, Object>) ((Map<String, Object>) cronJob.get("spec")).get("jobTemplate")).get("spec"))
        .get("template")).get("spec");
    Map<String, Object> container = (Map<String, Object>) ((List<Object>) pod.get("containers")).get(0);
    List<String> command = (List<String>) container.get("command");
    assertThat(command).as("command, not args: the image's entrypoint must not matter")
        .startsWith("java", "-jar").containsSubsequence("--config", CONFIG_PATH)
        .containsSubsequence("--profile", "production");

    List<String> mounts = new ArrayList<>();
    ((List<Object>) container.get("volumeMounts")).forEach(m -> mounts.add((String) ((Map<String, Object>) m)
        .get("mountPath")));
    List<String> volumes = new ArrayList<>();
    ((List<Object>) pod.get("volumes")).forEach(v -> volumes.add((String) ((Map<String, Object>) v).get("name")));
    ((List<Object>) container.get("volumeMounts")).forEach(m -> assertThat(volumes)
        .contains((String) ((Map<String, Object>) m).get("name")));
    Config production = production();
    for (String file : List.of(CONFIG_PATH, production.prometheus().bearerTokenFile())) {
      String dir = Path.of(file).getParent().toString();
      assertThat(mounts).as("a volume mounted where the profile reads %s", file).contains(dir);
    }
    List<String> env = new ArrayList<>();
    ((List<Object>) container.get("env")).forEach(e -> env.add((String) ((Map<String, Object>) e).get("name")));
    assertThat(env).contains(production.slack().webhookUrlEnv());
  }
}
