package com.englog.observability.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Where the shipped assets live in the source tree, and how the tests read them. */
final class Assets {

  /** The module directory (surefire and failsafe run with it as working directory). */
  static final Path MODULE = Path.of("").toAbsolutePath();

  /** Exactly what the zip contains, unpacked. */
  static final Path ROOT = MODULE.resolve("src/main/assets");

  static final Path PROMETHEUS_CONFIG = ROOT.resolve("prometheus/prometheus.yml");
  static final Path RULES = ROOT.resolve("prometheus/rules");
  static final Path ALERTMANAGER_CONFIG = ROOT.resolve("alertmanager/alertmanager.yml");
  static final Path DASHBOARDS = ROOT.resolve("grafana/dashboards");
  static final Path RUNBOOKS = ROOT.resolve("runbooks");
  static final Path COMPOSE = ROOT.resolve("docker-compose.monitoring.yml");
  static final Path SLO_OBJECTIVES = MODULE.resolve("src/slo/objectives.yml");
  static final Path SLO_RULES = RULES.resolve("englog-slo.yml");
  static final Path PROMTOOL_TESTS = MODULE.resolve("src/test/promtool");

  private Assets() {}

  /** Every shipped rule file, sorted by name. */
  static List<Path> ruleFiles() {
    return list(RULES, ".yml");
  }

  /** Every promtool rule unit-test file, sorted by name. */
  static List<Path> promtoolTestFiles() {
    return list(PROMTOOL_TESTS, ".test.yml");
  }

  static List<Path> dashboards() {
    return list(DASHBOARDS, ".json");
  }

  static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON file of the test class path ({@code src/test/resources}), parsed. */
  static JsonNode jsonResource(String name) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError(name + " is not on the test class path");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses YAML safely (no arbitrary types) into maps, lists and scalars. */
  static Object yaml(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new SafeConstructor(options)).load(text);
  }

  /** Writes maps, lists and scalars as block-style YAML (a config a test derived from a shipped one). */
  static String yamlText(Object value) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(value);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yamlMap(Path file) {
    Object parsed = yaml(read(file));
    if (!(parsed instanceof Map)) {
      throw new AssertionError(file + " is not a YAML mapping");
    }
    return (Map<String, Object>) parsed;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }
}
