package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.DocsSnippets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docs/health.md} stays true: its Java examples are the compiled {@link DocsExampleTest}
 * verbatim, its sample report is the golden file, and its Kubernetes probes point at paths the
 * handler serves, with probe timeouts longer than the checks' deadline.
 */
class HealthDocsTest {

  private static final Path DOC = Path.of("..", "docs", "health.md");
  private static final Path EXAMPLE = Path.of("src", "test", "java", "com", "englog", "observability", "health",
      "DocsExampleTest.java");

  /** The fenced blocks of {@code language} in the page, in order. */
  private static List<String> blocks(String language) {
    return DocsSnippets.fencedBlocks(DOC, language);
  }

  @Test
  void javaExamplesAreTheCompiledOnesVerbatim() {
    Map<String, String> regions = DocsSnippets.regions(EXAMPLE);
    List<String> javaBlocks = blocks("java");
    regions.forEach((name, region) -> assertThat(javaBlocks).as("docs/health.md shows DocsExampleTest's \"%s\" "
        + "example verbatim at the start of a java block", name)
        .anyMatch(b -> (b + "\n").startsWith(region + "\n")));
    assertThat(regions).as("docs:start/docs:end regions in DocsExampleTest").hasSize(2);
  }

  @Test
  void sampleReportIsTheGoldenFile() throws IOException {
    String json = blocks("json").get(0);
    String golden;
    try (InputStream in = HealthDocsTest.class.getResourceAsStream("/golden/health-report.json")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    // The page breaks the line for reading and shows measured durations; the golden file has neither.
    String normalised = json.replaceAll("\\n\\s*", "").replaceAll("\"duration_ms\":[0-9.]+", "\"duration_ms\":0");
    assertThat(normalised).isEqualTo(golden);
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesProbesUseServedPathsAndOutwaitTheDeadline() {
    String yaml = blocks("yaml").stream().filter(b -> b.contains("readinessProbe")).findFirst().orElseThrow();
    Map<String, Object> container = (Map<String, Object>) ((List<Object>) ((Map<String, Object>)
        new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml)).get("containers")).get(0);
    List<Object> ports = (List<Object>) container.get("ports");
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", c -> Health.down("refused").build()).build()) {
      HealthHandler handler = HealthHandler.builder(registry).build();
      Map<String, String> groups = Map.of("startupProbe", HealthRegistry.STARTUP,
          "readinessProbe", HealthRegistry.READINESS, "livenessProbe", HealthRegistry.LIVENESS);
      for (Map.Entry<String, String> probe : groups.entrySet()) {
        Map<String, Object> spec = (Map<String, Object>) container.get(probe.getKey());
        Map<String, Object> get = (Map<String, Object>) spec.get("httpGet");
        String path = (String) get.get("path");
        assertThat(ports).as("%s uses a declared container port", probe.getKey())
            .anyMatch(p -> get.get("port").equals(((Map<String, Object>) p).get("name")));
        HealthResponse response = handler.handle(HealthRequest.of("GET", path, h -> null));
        // With the dependency down, liveness passes and readiness and startup fail: each path must
        // lead to the group its probe is named for.
        Status status = registry.status(probe.getValue());
        assertThat(response.statusCode()).as("%s path %s", probe.getKey(), path)
            .isEqualTo(HealthHandler.statusCode(probe.getValue(), status));
        assertThat(response.bodyAsString()).isEqualTo("{\"status\":\"" + status + "\"}");
        assertThat(((Number) spec.get("timeoutSeconds")).longValue() * 1000)
            .as("%s timeoutSeconds must exceed the default deadline, or Kubernetes gives up first", probe.getKey())
            .isGreaterThan(ComponentOptions.DEFAULT_DEADLINE.toMillis());
      }
    }
  }
}
