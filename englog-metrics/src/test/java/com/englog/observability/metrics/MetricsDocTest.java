package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.englog.observability.testsupport.DocsSnippets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md} stays true: its metric reference is generated from the catalog, and its
 * example is the compiled {@link DocsExampleTest}. When either drifts the test fails and says how to
 * regenerate. The hook wiring it shows is the compiled {@link HookWiringTest}.
 */
class MetricsDocTest {

  static final Path DOC = Path.of("..", "docs", "metrics.md");
  static final Path EXAMPLE = Path.of("src", "test", "java", "com", "englog", "observability", "metrics",
      "DocsExampleTest.java");
  static final Path HOOKS = EXAMPLE.resolveSibling("HookWiringTest.java");
  static final Path COMMON_TAGS = EXAMPLE.resolveSibling("CommonTagsTest.java");
  static final String BEGIN = "<!-- BEGIN GENERATED: metric reference (MetricsDocTest) -->";
  static final String END = "<!-- END GENERATED: metric reference -->";
  static final String REGENERATE = "./mvnw -pl englog-metrics -am test -Dtest=MetricsDocTest "
      + "-Dsurefire.failIfNoSpecifiedTests=false -Denglog.regenerateDocs=true";

  @Test
  void metricReferenceMatchesTheCatalog() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("docs/metrics.md has the marker " + BEGIN).isNotNegative();
    assertThat(end).as("docs/metrics.md has the marker " + END).isGreaterThan(begin);
    String expected = BEGIN + "\n" + render(Catalog.load()) + END;
    String actual = doc.substring(begin, end + END.length());
    if (!actual.equals(expected) && Boolean.getBoolean("englog.regenerateDocs")) {
      Files.writeString(DOC, doc.substring(0, begin) + expected + doc.substring(end + END.length()),
          StandardCharsets.UTF_8);
      fail("regenerated docs/metrics.md's metric reference; review the diff and run again without "
          + "-Denglog.regenerateDocs");
    }
    assertThat(actual).as("docs/metrics.md's metric reference is stale; regenerate it with: "
        + REGENERATE).isEqualTo(expected);
  }

  @Test
  void exampleIsTheCompiledOne() {
    assertShownVerbatim(EXAMPLE, "docs-example");
  }

  @Test
  void hookWiringIsTheCompiledOne() {
    assertShownVerbatim(HOOKS, "docs-hooks");
  }

  @Test
  void commonTagsExampleIsTheCompiledOne() {
    assertShownVerbatim(COMMON_TAGS, "docs-common-tags");
  }

  @Test
  void theExemplarDependencyHasTheVersionThisModuleBuildsWith() throws IOException {
    Properties core = new Properties();
    try (InputStream in = MetricsDocTest.class.getResourceAsStream(
        "/META-INF/maven/io.prometheus/prometheus-metrics-core/pom.properties")) {
      assertThat(in).as("prometheus-metrics-core's pom.properties on the class path").isNotNull();
      core.load(in);
    }
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    assertThat(doc).contains("<artifactId>prometheus-metrics-tracer-otel</artifactId>\n    <version>"
        + core.getProperty("version") + "</version>");
  }

  private static void assertShownVerbatim(Path test, String marker) {
    String region = DocsSnippets.regions(test).get(marker);
    assertThat(region).as(test.getFileName() + " has the region " + marker).isNotNull();
    assertThat(DocsSnippets.fencedBlocks(DOC, "java"))
        .as("docs/metrics.md shows " + test.getFileName() + "'s " + marker + " verbatim").contains(region);
  }

  /** The reference section: one table per group, rows in catalog order. */
  static String render(Map<String, Catalog.Entry> catalog) {
    StringBuilder out = new StringBuilder();
    String[][] groups = {
        {"EngLog application metrics", "englog_", "englog_metrics_"},
        {"Self-monitoring of the cardinality guard", "englog_metrics_", null},
        {"JVM, process and system metrics", "", "englog_"},
    };
    for (String[] g : groups) {
      List<Catalog.Entry> rows = new ArrayList<>();
      for (Catalog.Entry e : catalog.values()) {
        boolean in = e.name().startsWith(g[1]) && (g[2] == null || !e.name().startsWith(g[2]));
        if (in) {
          rows.add(e);
        }
      }
      out.append("\n### ").append(g[0]).append("\n\n");
      out.append("| name | type | labels | buckets (`le` as exposed) | help |\n");
      out.append("|---|---|---|---|---|\n");
      for (Catalog.Entry e : rows) {
        out.append("| `").append(e.name()).append("` | ").append(e.type()).append(" | ")
            .append(labels(e)).append(" | ").append(buckets(e)).append(" | ")
            .append(e.help().replace("|", "\\|")).append(" |\n");
      }
    }
    return out.append("\n").toString();
  }

  private static String labels(Catalog.Entry e) {
    if (e.labels().isEmpty()) {
      return "—";
    }
    List<String> parts = new ArrayList<>();
    for (Catalog.Label l : e.labels()) {
      String part = l.values() == null ? "`" + l.name() + "`"
          : "`" + l.name() + "` (" + String.join(", ", l.values()) + ")";
      parts.add(l.optIn() == null ? part : part + " (opt-in: `" + l.optIn() + "`)");
    }
    return String.join("<br>", parts);
  }

  private static String buckets(Catalog.Entry e) {
    if (e.buckets() == null) {
      return "—";
    }
    List<String> parts = new ArrayList<>();
    for (Double b : e.buckets()) {
      parts.add(Double.toString(b));
    }
    return String.join(", ", parts);
  }
}
