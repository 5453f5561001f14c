package com.englog.observability.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The metric catalog as shipped in the jar, read with Jackson. */
final class Catalog {

  static final String RESOURCE = "/META-INF/englog/metrics-catalog/englog-metrics.json";

  /**
   * A label; {@code optIn} names the setting that adds it (null when every instance exposes it).
   */
  record Label(String name, List<String> values, String optIn) {}

  record Entry(String name, String type, String unit, String help, List<Label> labels,
      List<Double> buckets) {}

  static Map<String, Entry> load() {
    try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new AssertionError("catalog missing from the class path: " + RESOURCE);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (JsonNode n : root) {
        List<Label> labels = new ArrayList<>();
        for (JsonNode l : n.path("labels")) {
          List<String> values = null;
          if (l.has("values")) {
            values = new ArrayList<>();
            for (JsonNode v : l.get("values")) {
              values.add(v.asText());
            }
          }
          labels.add(new Label(l.get("name").asText(), values,
              l.has("opt_in") ? l.get("opt_in").asText() : null));
        }
        List<Double> buckets = null;
        if (n.has("buckets")) {
          buckets = new ArrayList<>();
          for (JsonNode b : n.get("buckets")) {
            buckets.add(b.asDouble());
          }
        }
        Entry e = new Entry(n.get("name").asText(), n.get("type").asText(), n.path("unit").asText(),
            n.path("help").asText(), labels, buckets);
        if (entries.put(e.name(), e) != null) {
          throw new AssertionError("catalog lists " + e.name() + " twice");
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
