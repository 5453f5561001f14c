package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.ToolRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.monitoring.yml, validated without a Docker engine: known keys only, pinned images,
 * every mounted path shipped, every path a command names mounted, every secret a file under
 * ./secrets/ and mounted where the shipped configurations read it, no secret in the environment.
 */
class ComposeFileTest {

  static final Set<String> TOP_LEVEL = Set.of("name", "services", "volumes", "secrets", "networks", "configs");
  static final Set<String> SERVICE_KEYS = Set.of("image", "restart", "command", "entrypoint", "ports",
      "volumes", "secrets", "environment", "networks", "pid", "privileged", "devices", "depends_on",
      "healthcheck", "user", "ulimits", "labels", "logging", "cap_add", "read_only", "expose");
  private static final Pattern PINNED = Pattern.compile("[a-z0-9./-]+(:[0-9]+)?/?[a-z0-9._/-]*:v?[0-9]+(\\.[0-9]+)+(-[a-z0-9.]+)?");
  private static final Pattern CONTAINER_PATH = Pattern.compile("(/etc/[A-Za-z0-9_./-]+|/var/lib/[A-Za-z0-9_./-]+)");

  private final Map<String, Object> compose = Assets.yamlMap(Assets.COMPOSE);
  private final Map<String, Object> services = Assets.map(compose.get("services"));

  @Test
  void onlyKnownKeysAndEverySeedServicePlusJaegerIsThere() {
    assertThat(TOP_LEVEL).containsAll(compose.keySet());
    assertThat(services).containsKeys("prometheus", "alertmanager", "grafana", "jaeger", "node-exporter",
        "postgres-exporter", "redis-exporter", "nginx-exporter", "cadvisor", "blackbox-exporter");
    services.forEach((name, s) ->
        assertThat(SERVICE_KEYS).as(name + " keys").containsAll(Assets.map(s).keySet()));
  }

  @Test
  void everyImageIsPinnedToAVersion() {
    services.forEach((name, s) -> {
      String image = String.valueOf(Assets.map(s).get("image"));
      assertThat(image).as(name).doesNotEndWith(":latest").matches(PINNED);
    });
  }

  @Test
  void everyMountedPathIsShippedAndEveryPathACommandNamesIsMounted() {
    List<String> problems = new ArrayList<>();
    Set<String> namedVolumes = Assets.map(compose.get("volumes")).keySet();
    services.forEach((name, s) -> {
      Map<String, Object> service = Assets.map(s);
      Map<String, String> mounts = mounts(service);
      mounts.forEach((target, source) -> {
        if (source.startsWith("./")) {
          if (!exists(source.substring(2), p -> Files.exists(Assets.ROOT.resolve(p)))) {
            problems.add(name + ": mounts " + source + ", which the asset pack does not ship");
          }
        } else if (!source.startsWith("/") && !namedVolumes.contains(source)) {
          problems.add(name + ": volume " + source + " is not declared");
        }
      });
      for (Object arg : Assets.list(service.get("command"))) {
        Matcher m = CONTAINER_PATH.matcher(String.valueOf(arg));
        while (m.find()) {
          String path = m.group(1);
          boolean mounted = mounts.keySet().stream()
              .anyMatch(t -> path.equals(t) || path.startsWith(t.endsWith("/") ? t : t + "/"));
          if (!mounted) {
            problems.add(name + ": " + arg + " names " + path + ", which no volume mounts");
          }
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void secretsAreFilesMountedWhereTheConfigurationsReadThem() {
    Map<String, Object> secrets = Assets.map(compose.get("secrets"));
    String readme = Assets.read(Assets.ROOT.resolve("secrets/README.md"));
    secrets.forEach((name, s) -> {
      String file = String.valueOf(Assets.map(s).get("file"));
      assertThat(file).as(name).startsWith("./secrets/");
      assertThat(readme).as("secrets/README.md documents " + file).contains("`" + file.substring(10) + "`");
    });
    assertThat(targets("prometheus")).containsAll(paths(Assets.read(Assets.PROMETHEUS_CONFIG), "/etc/prometheus/secrets/"));
    assertThat(targets("alertmanager")).containsAll(paths(Assets.read(Assets.ALERTMANAGER_CONFIG), "/etc/alertmanager/secrets/"));
    String datasources = Assets.read(Assets.ROOT.resolve("grafana/provisioning/datasources/englog.yml"));
    assertThat(targets("grafana")).containsAll(paths(datasources, "/run/secrets/"));
    services.forEach((name, s) -> {
      Set<String> own = targets(name);
      Assets.map(Assets.map(s).get("environment")).forEach((key, value) -> {
        String v = String.valueOf(value);
        if (key.endsWith("_FILE")) {
          assertThat(own).as(name + " mounts the secret " + key + " names").contains(v);
        } else {
          assertThat(key).as(name + ": secrets go in *_FILE variables").doesNotContainPattern("PASSWORD|SECRET|TOKEN|_KEY");
        }
        assertThat(v).as(name + " " + key).doesNotContainPattern("://[^/@\\s]+:[^/@\\s]+@");
      });
    });
  }

  @Test
  void prometheusRunsWithTheFlagsItsConfigurationExpectsAndPortsStayOnLoopback() {
    List<String> flags = new ArrayList<>();
    Assets.list(Assets.map(services.get("prometheus")).get("command")).forEach(f -> flags.add(String.valueOf(f)));
    assertThat(flags).contains("--enable-feature=exemplar-storage", "--config.file=/etc/prometheus/prometheus.yml",
        "--web.config.file=/etc/prometheus/web-config.yml");
    // The header of prometheus.yml lists exactly the flags compose passes, with the same values.
    Set<String> headerFlags = new TreeSet<>();
    Matcher documented = Pattern.compile("(?m)^#\\s+(--[a-z][a-z0-9.-]*)").matcher(Assets.read(Assets.PROMETHEUS_CONFIG));
    while (documented.find()) {
      headerFlags.add(documented.group(1));
    }
    Set<String> composeFlags = new TreeSet<>();
    String header = Assets.read(Assets.PROMETHEUS_CONFIG);
    for (String flag : flags) {
      String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
      composeFlags.add(name);
      if (!flag.contains("${")) {
        assertThat(header).as("prometheus.yml documents " + flag).contains(flag);
      }
    }
    assertThat(headerFlags).as("flags prometheus.yml says compose passes").isEqualTo(composeFlags);
    services.forEach((name, s) -> Assets.list(Assets.map(s).get("ports")).forEach(p ->
        assertThat(String.valueOf(p)).as(name + " port").startsWith("127.0.0.1:")));
    Map<String, Object> jaeger = Assets.map(services.get("jaeger"));
    assertThat(Assets.map(jaeger.get("environment"))).containsEntry("COLLECTOR_OTLP_ENABLED", "true");
    assertThat(Assets.list(jaeger.get("ports"))).contains("127.0.0.1:4317:4317", "127.0.0.1:4318:4318");
  }

  @Test
  void debiansPrometheus242KnowsEveryFlagComposePasses() {
    Path prometheus = ExternalTool.PROMETHEUS.require();
    ToolRun help = ToolRun.run(List.of(prometheus.toString(), "--help"), null, Duration.ofSeconds(60));
    String known = help.stdout() + help.stderr();
    assertThat(known).as(help.describe()).contains("--config.file");
    for (Object f : Assets.list(Assets.map(services.get("prometheus")).get("command"))) {
      String flag = String.valueOf(f);
      String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
      assertThat(known).as("prometheus --help lists " + name).containsPattern(Pattern.quote(name) + "[=\\s]");
      if (name.equals("--enable-feature")) {
        assertThat(known).contains(flag.substring(flag.indexOf('=') + 1));
      }
    }
  }

  @Test
  void everyExporterPrometheusScrapesIsAComposeService() {
    Map<String, Object> config = Assets.yamlMap(Assets.PROMETHEUS_CONFIG);
    for (Object o : Assets.list(config.get("scrape_configs"))) {
      Map<String, Object> job = Assets.map(o);
      String jobName = String.valueOf(job.get("job_name"));
      if (jobName.startsWith("englog-")) {
        continue; // the services themselves, on englog-network
      }
      List<String> hosts = new ArrayList<>();
      for (Object sc : Assets.list(job.get("static_configs"))) {
        Assets.list(Assets.map(sc).get("targets")).forEach(t -> hosts.add(String.valueOf(t)));
      }
      for (Object rc : Assets.list(job.get("relabel_configs"))) {
        Object replacement = Assets.map(rc).get("replacement");
        if (replacement != null && "__address__".equals(Assets.map(rc).get("target_label"))) {
          hosts.clear();
          hosts.add(String.valueOf(replacement));
        }
      }
      for (String hostPort : hosts) {
        String host = hostPort.split(":")[0];
        assertThat(host.equals("localhost") || services.containsKey(host))
            .as(jobName + " scrapes " + hostPort + ": no such service").isTrue();
      }
    }
  }

  /** target → source of every volume and bind mount of a service. */
  static Map<String, String> mounts(Map<String, Object> service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Object v : Assets.list(service.get("volumes"))) {
      String[] parts = String.valueOf(v).split(":");
      out.put(parts[1], parts[0]);
    }
    return out;
  }

  private Set<String> targets(String service) {
    Set<String> out = new TreeSet<>();
    for (Object s : Assets.list(Assets.map(services.get(service)).get("secrets"))) {
      if (s instanceof String) {
        out.add("/run/secrets/" + s);
      } else {
        Map<String, Object> m = Assets.map(s);
        String target = String.valueOf(m.getOrDefault("target", m.get("source")));
        out.add(target.startsWith("/") ? target : "/run/secrets/" + target);
      }
    }
    return out;
  }

  private static Set<String> paths(String text, String prefix) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile(Pattern.quote(prefix) + "([A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9])").matcher(text);
    while (m.find()) {
      out.add(prefix + m.group(1));
    }
    return out;
  }

  private static boolean exists(String relative, Predicate<String> check) {
    return check.test(relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative);
  }
}
