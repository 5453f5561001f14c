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
 * ./secrets/ and mounted where the shipped configurations read it, no secret in the environment, no
 * host port published twice, and the OpenTelemetry Collector's configuration wired to Jaeger.
 */
class ComposeFileTest {

  static final Set<String> TOP_LEVEL = Set.of("name", "services", "volumes", "secrets", "networks", "configs");
  static final Set<String> SERVICE_KEYS = Set.of("image", "restart", "command", "entrypoint", "ports",
      "volumes", "secrets", "environment", "networks", "pid", "privileged", "devices", "depends_on",
      "healthcheck", "user", "ulimits", "labels", "logging", "cap_add", "read_only", "expose");
  private static final Pattern PINNED = Pattern.compile("[a-z0-9./-]+(:[0-9]+)?/?[a-z0-9._/-]*:v?[0-9]+(\\.[0-9]+)+(-[a-z0-9.]+)?");
  static final String COLLECTOR_CONFIG = "otel-collector/otel-collector.yml";
  static final Set<String> COLLECTOR_SECTIONS =
      Set.of("receivers", "processors", "exporters", "extensions", "connectors", "service");
  private static final Pattern CONTAINER_PATH = Pattern.compile("(/etc/[A-Za-z0-9_./-]+|/var/lib/[A-Za-z0-9_./-]+)");

  private final Map<String, Object> compose = Assets.yamlMap(Assets.COMPOSE);
  private final Map<String, Object> services = Assets.map(compose.get("services"));

  @Test
  void onlyKnownKeysAndEveryServiceIsThere() {
    assertThat(TOP_LEVEL).containsAll(compose.keySet());
    assertThat(services).containsKeys("prometheus", "alertmanager", "grafana", "otel-collector", "jaeger",
        "node-exporter", "postgres-exporter", "redis-exporter", "nginx-exporter", "cadvisor", "blackbox-exporter");
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
    assertThat(Assets.list(Assets.map(services.get("otel-collector")).get("ports")))
        .contains("127.0.0.1:4317:4317", "127.0.0.1:4318:4318");
  }

  @Test
  void noTwoServicesPublishTheSameHostPortAndEveryDependencyIsAService() {
    Map<String, String> owners = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    services.forEach((name, s) -> {
      for (Object p : Assets.list(Assets.map(s).get("ports"))) {
        String[] parts = String.valueOf(p).split(":");
        assertThat(parts).as(name + " port " + p + " is host-ip:host-port:container-port").hasSize(3);
        String previous = owners.put(parts[0] + ":" + parts[1], name);
        if (previous != null) {
          problems.add(name + " and " + previous + " both publish " + parts[0] + ":" + parts[1]);
        }
      }
      for (String dependency : dependsOn(Assets.map(s))) {
        if (!services.containsKey(dependency)) {
          problems.add(name + " depends on " + dependency + ", which is no service");
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  /**
   * The OpenTelemetry Collector: its configuration is a collector configuration whose every pipeline
   * names defined components, bounds memory before batching, receives OTLP on the ports compose
   * publishes, and exports over OTLP to the jaeger service it depends on and shares a network with.
   */
  @Test
  void theCollectorBatchesOtlpAndForwardsItToJaeger() {
    Map<String, Object> collector = Assets.map(services.get("otel-collector"));
    assertThat(String.valueOf(collector.get("image"))).startsWith("otel/opentelemetry-collector:");
    Map<String, String> mounts = mounts(collector);
    String configArg = Assets.list(collector.get("command")).stream().map(String::valueOf)
        .filter(a -> a.startsWith("--config=")).findFirst().orElseThrow(() ->
            new AssertionError("the collector's command names no --config"));
    String configSource = mounts.get(configArg.substring("--config=".length()));
    assertThat(configSource).as("the file --config names is mounted")
        .isEqualTo("./" + COLLECTOR_CONFIG);
    Map<String, Object> config = Assets.yamlMap(Assets.ROOT.resolve(COLLECTOR_CONFIG));

    assertThat(COLLECTOR_SECTIONS).containsAll(config.keySet());
    Map<String, Object> service = Assets.map(config.get("service"));
    Map<String, Object> pipelines = Assets.map(service.get("pipelines"));
    assertThat(pipelines).as("pipelines").containsKey("traces");
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> used = new LinkedHashMap<>();
    pipelines.forEach((pipeline, p) -> {
      assertThat(pipeline).as("pipeline id").matches("(traces|metrics|logs)(/[A-Za-z0-9_-]+)?");
      for (String kind : List.of("receivers", "processors", "exporters")) {
        List<Object> ids = Assets.list(Assets.map(p).get(kind));
        if (ids.isEmpty() && !kind.equals("processors")) {
          problems.add(pipeline + " has no " + kind);
        }
        for (Object id : ids) {
          used.computeIfAbsent(kind, k -> new TreeSet<>()).add(String.valueOf(id));
          if (!Assets.map(config.get(kind)).containsKey(String.valueOf(id))) {
            problems.add(pipeline + " names " + kind + " " + id + ", which is not defined");
          }
        }
      }
      List<String> processors = new ArrayList<>();
      Assets.list(Assets.map(p).get("processors")).forEach(id -> processors.add(String.valueOf(id)));
      assertThat(processors).as(pipeline + ": memory_limiter first, batch last")
          .startsWith("memory_limiter").endsWith("batch");
    });
    for (Object id : Assets.list(service.get("extensions"))) {
      used.computeIfAbsent("extensions", k -> new TreeSet<>()).add(String.valueOf(id));
      if (!Assets.map(config.get("extensions")).containsKey(String.valueOf(id))) {
        problems.add("service names extension " + id + ", which the configuration does not define");
      }
    }
    for (String kind : List.of("receivers", "processors", "exporters", "extensions")) {
      for (String id : Assets.map(config.get(kind)).keySet()) {
        if (!used.getOrDefault(kind, Set.of()).contains(id)) {
          problems.add(kind + " " + id + " is defined but in no pipeline");
        }
      }
    }
    assertThat(problems).isEmpty();

    Map<String, Object> memoryLimiter =
        Assets.map(Assets.map(config.get("processors")).get("memory_limiter"));
    assertThat(memoryLimiter).containsKeys("check_interval", "limit_mib", "spike_limit_mib");
    assertThat(((Number) memoryLimiter.get("spike_limit_mib")).intValue())
        .isLessThan(((Number) memoryLimiter.get("limit_mib")).intValue());

    // Receivers listen on every interface (the collector's default is localhost, unreachable from
    // the services' containers), on exactly the container ports compose publishes.
    Set<String> published = new TreeSet<>();
    Assets.list(collector.get("ports")).forEach(p -> published.add(String.valueOf(p).split(":")[2]));
    Set<String> listening = new TreeSet<>();
    Map<String, Object> otlp = Assets.map(Assets.map(config.get("receivers")).get("otlp"));
    Map<String, Object> protocols = Assets.map(otlp.get("protocols"));
    assertThat(protocols).containsOnlyKeys("grpc", "http");
    protocols.forEach((protocol, p) -> {
      String endpoint = String.valueOf(Assets.map(p).get("endpoint"));
      assertThat(endpoint).as("otlp " + protocol + " endpoint").startsWith("0.0.0.0:");
      listening.add(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    });
    assertThat(listening).isEqualTo(published).containsExactlyInAnyOrder("4317", "4318");
    Map<String, Object> extensions = Assets.map(config.get("extensions"));
    String health = String.valueOf(Assets.map(extensions.get("health_check")).get("endpoint"));
    assertThat(listening).as("health_check port").doesNotContain(health.substring(health.lastIndexOf(':') + 1));

    // Every exporter sends OTLP to the jaeger service, which has its OTLP receiver on, on a network
    // the collector shares, and which the collector starts after.
    Map<String, Object> exporters = Assets.map(config.get("exporters"));
    assertThat(exporters).isNotEmpty();
    Map<String, Object> jaeger = Assets.map(services.get("jaeger"));
    exporters.forEach((id, e) -> {
      assertThat(id).as("exporter " + id).matches("otlp(/.+)?");
      String endpoint = String.valueOf(Assets.map(e).get("endpoint"));
      assertThat(endpoint).as(id + " endpoint").isEqualTo("jaeger:4317");
      assertThat(Assets.map(Assets.map(e).get("tls"))).as(id + ": Jaeger's OTLP port is plain text")
          .containsEntry("insecure", true);
    });
    assertThat(Assets.map(jaeger.get("environment"))).containsEntry("COLLECTOR_OTLP_ENABLED", "true");
    assertThat(dependsOn(collector)).contains("jaeger");
    assertThat(Assets.list(collector.get("networks")))
        .containsAnyElementsOf(Assets.list(jaeger.get("networks")))
        .as("the services reach the collector").contains("englog-network");
    assertThat(Assets.list(jaeger.get("networks"))).as("only the collector sends to Jaeger")
        .doesNotContain("englog-network");
    boolean othersHaveHealthchecks = services.entrySet().stream().anyMatch(s ->
        !s.getKey().equals("otel-collector") && Assets.map(s.getValue()).containsKey("healthcheck"));
    if (othersHaveHealthchecks) {
      assertThat(collector).as("the collector has a healthcheck like the other services")
          .containsKey("healthcheck");
    }
  }

  /** The services a service's {@code depends_on} names, in its list or its map form. */
  static Set<String> dependsOn(Map<String, Object> service) {
    Object d = service.get("depends_on");
    Set<String> out = new TreeSet<>();
    if (d instanceof Map) {
      out.addAll(Assets.map(d).keySet());
    } else {
      Assets.list(d).forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
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
