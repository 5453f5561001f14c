package com.englog.observability.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every metric a rule or dashboard may use: the library catalogs on the test classpath
 * ({@code META-INF/englog/metrics-catalog/*.json}), the declared metric lists of the external exporters
 * ({@code src/test/resources/exporters/*.json}) and Prometheus's own per-target series ({@code up}, …).
 */
final class MetricCatalog {

  static final String CATALOG_DIR = "META-INF/englog/metrics-catalog/";
  static final String EXPORTER_DIR = "exporters/";

  /** Labels Prometheus attaches to every scraped series. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  /** One metric family as the catalog describes it. */
  static final class Metric {
    final String name;
    final String type;
    final Map<String, List<String>> labels;
    final List<Double> buckets;
    final String source;

    Metric(String name, String type, Map<String, List<String>> labels, List<Double> buckets,
        String source) {
      this.name = name;
      this.type = type;
      this.labels = labels;
      this.buckets = buckets;
      this.source = source;
    }
  }

  /** What a series name refers to. {@code kind} is "counter", "gauge" or "bucket". */
  static final class Series {
    final Metric metric;
    final String kind;
    final Set<String> labels;

    Series(Metric metric, String kind, Set<String> labels) {
      this.metric = metric;
      this.kind = kind;
      this.labels = labels;
    }

    /** The closed value set of a label, or null if any value is allowed. */
    List<String> values(String label) {
      return metric.labels.get(label);
    }
  }

  private final Map<String, Metric> metrics;
  private final List<String> sources;

  private MetricCatalog(Map<String, Metric> metrics, List<String> sources) {
    this.metrics = metrics;
    this.sources = sources;
  }

  /** Loads every catalog and exporter list on the test classpath. */
  static MetricCatalog load() {
    Map<String, Metric> metrics = new TreeMap<>();
    List<String> sources = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : resources(CATALOG_DIR).entrySet()) {
      sources.add(e.getKey());
      addAll(metrics, e.getValue(), e.getKey());
    }
    for (Map.Entry<String, JsonNode> e : resources(EXPORTER_DIR).entrySet()) {
      sources.add(e.getKey());
      JsonNode root = e.getValue();
      addAll(metrics, root.path("metrics"), e.getKey() + " (" + root.path("exporter").asText() + ")");
    }
    // Prometheus's own series for every target.
    Map<String, List<String>> target = new LinkedHashMap<>();
    for (String name : List.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
        "scrape_series_added", "scrape_samples_post_metric_relabeling")) {
      metrics.put(name, new Metric(name, "gauge", target, List.of(), "prometheus (per target)"));
    }
    return new MetricCatalog(metrics, sources);
  }

  private static void addAll(Map<String, Metric> metrics, JsonNode array, String source) {
    for (JsonNode m : array) {
      String name = m.path("name").asText();
      Map<String, List<String>> labels = new LinkedHashMap<>();
      for (JsonNode l : m.path("labels")) {
        if (l.has("opt_in")) {
          continue; // only there when a service turns a setting on: rules must not depend on it
        }
        List<String> values = null;
        if (l.has("values")) {
          values = new ArrayList<>();
          for (JsonNode v : l.path("values")) {
            values.add(v.asText());
          }
        }
        labels.put(l.path("name").asText(), values);
      }
      List<Double> buckets = new ArrayList<>();
      for (JsonNode b : m.path("buckets")) {
        buckets.add(b.asDouble());
      }
      Metric previous = metrics.put(name,
          new Metric(name, m.path("type").asText(), labels, List.copyOf(buckets), source));
      if (previous != null) {
        throw new AssertionError(name + " is declared twice: in " + previous.source + " and " + source);
      }
    }
  }

  /** The catalogs and metric lists that were loaded. */
  List<String> sources() {
    return Collections.unmodifiableList(sources);
  }

  Map<String, Metric> metrics() {
    return Collections.unmodifiableMap(metrics);
  }

  /** Resolves an exposed series name; null when no catalog knows it. */
  Series resolve(String seriesName) {
    Metric exact = metrics.get(seriesName);
    if (exact != null) {
      switch (exact.type) {
        case "counter":
          return new Series(exact, "counter", labels(exact));
        case "gauge":
        case "untyped":
          return new Series(exact, "gauge", labels(exact));
        case "summary": {
          Set<String> ls = labels(exact);
          ls.add("quantile");
          return new Series(exact, "gauge", ls);
        }
        default:
          return null; // a histogram has no series under its base name
      }
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (seriesName.endsWith(suffix)) {
        Metric base = metrics.get(seriesName.substring(0, seriesName.length() - suffix.length()));
        if (base == null) {
          continue;
        }
        if (base.type.equals("histogram")) {
          Set<String> ls = labels(base);
          if (suffix.equals("_bucket")) {
            ls.add("le");
            return new Series(base, "bucket", ls);
          }
          return new Series(base, "counter", ls);
        }
        if (base.type.equals("summary") && !suffix.equals("_bucket")) {
          return new Series(base, "counter", labels(base));
        }
      }
    }
    return null;
  }

  /** The histogram whose buckets a name like {@code job_le:foo_bucket:rate5m} or {@code foo_bucket} holds. */
  Metric histogramOfBucketSeries(String seriesName) {
    String candidate = seriesName;
    if (seriesName.contains(":")) {
      String[] parts = seriesName.split(":");
      if (parts.length != 3) {
        return null;
      }
      candidate = parts[1];
    }
    if (!candidate.endsWith("_bucket")) {
      return null;
    }
    Metric m = metrics.get(candidate.substring(0, candidate.length() - "_bucket".length()));
    return m != null && m.type.equals("histogram") ? m : null;
  }

  /** How the Prometheus text format writes a bucket bound (client_java: Double.toString, +Inf). */
  static String exposedLe(double bound) {
    return Double.isInfinite(bound) ? "+Inf" : Double.toString(bound);
  }

  private static Set<String> labels(Metric m) {
    Set<String> ls = new LinkedHashSet<>(m.labels.keySet());
    ls.addAll(TARGET_LABELS);
    return ls;
  }

  /** Every {@code dir*.json} resource on the class path, by "location!name", parsed. */
  static Map<String, JsonNode> resources(String dir) {
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> out = new TreeMap<>();
    try {
      Enumeration<URL> urls = MetricCatalog.class.getClassLoader().getResources(dir);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        if (url.getProtocol().equals("file")) {
          Path base = Path.of(url.toURI());
          try (Stream<Path> files = Files.list(base)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted()
                .collect(Collectors.toList())) {
              out.put(base + "!" + f.getFileName(), json.readTree(Files.readString(f)));
            }
          }
        } else if (url.getProtocol().equals("jar")) {
          JarURLConnection connection = (JarURLConnection) url.openConnection();
          connection.setUseCaches(false);
          try (JarFile jar = connection.getJarFile()) {
            for (JarEntry entry : Collections.list(jar.entries())) {
              String name = entry.getName();
              if (name.startsWith(dir) && name.endsWith(".json") && !name.substring(dir.length()).contains("/")) {
                try (InputStream in = jar.getInputStream(entry)) {
                  out.put(jar.getName() + "!" + name,
                      json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
