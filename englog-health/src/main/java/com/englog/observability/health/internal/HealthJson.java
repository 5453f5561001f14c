package com.englog.observability.health.internal;

import com.englog.observability.health.ComponentHealth;
import com.englog.observability.health.HealthReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Not public API. The JSON bodies of the health endpoint. */
public final class HealthJson {

  private HealthJson() {}

  /** {@code {"status":"UP"}}: all an anonymous caller sees. */
  public static byte[] statusOnly(String status) {
    return ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** The full report: status, group, and each component's result with timing and age; keys in snake_case. */
  public static byte[] report(HealthReport report) {
    StringBuilder out = new StringBuilder(256 + 256 * report.components().size());
    out.append("{\"status\":\"").append(report.status().name()).append("\",\"group\":");
    Json.string(out, report.group());
    out.append(",\"generated_at\":\"").append(report.generatedAt()).append("\",\"components\":{");
    boolean first = true;
    for (ComponentHealth c : report.components()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      Json.string(out, c.name()).append(":{\"status\":\"").append(c.status().name())
          .append("\",\"critical\":").append(c.critical())
          .append(",\"reason\":");
      Json.string(out, c.reason());
      out.append(",\"duration_ms\":").append(millis(c.duration()));
      if (c.checkedAt() != null) {
        out.append(",\"checked_at\":\"").append(c.checkedAt()).append('"');
        out.append(",\"age_ms\":").append(c.age().toMillis());
      }
      out.append(",\"details\":{");
      boolean firstDetail = true;
      for (Map.Entry<String, Object> d : c.details().entrySet()) {
        if (!firstDetail) {
          out.append(',');
        }
        firstDetail = false;
        Json.string(out, d.getKey()).append(':');
        Json.value(out, d.getValue());
      }
      out.append("}}");
    }
    out.append("}}");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String millis(Duration d) {
    return Json.number(d.toNanos() / 1e6);
  }
}
