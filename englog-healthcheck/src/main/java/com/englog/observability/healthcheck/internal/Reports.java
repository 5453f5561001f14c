package com.englog.observability.healthcheck.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Not public API. The report as text for people, JSON (snake_case keys) for machines, and a Slack message. */
public final class Reports {

  private static final Map<String, String> TITLES = Map.of(
      "endpoint", "Endpoints", "metric", "Metrics", "slo", "Service level objectives",
      "dependency", "Dependencies");

  /** Maps and lists as JSON, numbers as {@link ReportNumber} writes them. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new SimpleModule("englog-healthcheck-report")
          .addSerializer(Double.class, new ReportNumber()).addSerializer(double.class, new ReportNumber()))
      .build();

  private Reports() {}

  public static boolean healthy(List<CheckOutcome> outcomes) {
    for (CheckOutcome o : outcomes) {
      if (o.result == CheckOutcome.Result.FAIL) {
        return false;
      }
    }
    return true;
  }

  public static String text(String title, String profile, Instant at, List<CheckOutcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    sb.append("EngLog ").append(title).append(": profile ").append(profile).append(", ").append(at).append('\n');
    int width = 10;
    for (CheckOutcome o : outcomes) {
      width = Math.max(width, Math.min(48, o.name.length()));
    }
    String kind = null;
    for (CheckOutcome o : outcomes) {
      if (!o.kind.equals(kind)) {
        kind = o.kind;
        sb.append('\n').append(TITLES.getOrDefault(kind, kind)).append('\n');
      }
      sb.append("  ").append(String.format("%-4s", o.result.name())).append("  ")
          .append(pad(oneLine(o.name), width)).append("  ").append(oneLine(shown(o))).append('\n');
    }
    sb.append('\n').append(summary(outcomes)).append('\n');
    return sb.toString();
  }

  public static String json(String mode, String profile, Instant at, List<CheckOutcome> outcomes) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("mode", mode);
    root.put("profile", profile);
    root.put("checked_at", at.toString());
    root.put("status", healthy(outcomes) ? "HEALTHY" : "UNHEALTHY");
    List<Object> checks = new ArrayList<>();
    outcomes.forEach(o -> checks.add(o.toJson()));
    root.put("checks", checks);
    return write(root);
  }

  /** A Slack incoming-webhook message in the shape of MVP-024's script: text plus a coloured attachment. */
  public static String slack(String title, String profile, List<CheckOutcome> outcomes) {
    boolean ok = healthy(outcomes);
    String status = ok ? "HEALTHY" : "UNHEALTHY";
    StringBuilder details = new StringBuilder();
    int shown = 0;
    for (CheckOutcome o : outcomes) {
      if (shown++ == 40) {
        details.append("... and ").append(outcomes.size() - 40).append(" more\n");
        break;
      }
      String icon = o.result == CheckOutcome.Result.PASS ? ":white_check_mark:"
          : o.result == CheckOutcome.Result.WARN ? ":warning:" : ":x:";
      details.append(icon).append(' ').append(escape(oneLine(o.name))).append(": ").append(escape(oneLine(shown(o))))
          .append('\n');
    }
    Map<String, Object> env = field("Environment", profile, true);
    Map<String, Object> st = field("Status", status, true);
    Map<String, Object> det = field("Details", details.toString().strip(), false);
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("color", ok ? "good" : "danger");
    attachment.put("fields", List.of(env, st, det));
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("text", (ok ? ":white_check_mark: " : ":x: ") + title + " " + status + " (" + escape(profile) + ")");
    message.put("attachments", List.of(attachment));
    return write(message);
  }

  private static Map<String, Object> field(String title, String value, boolean isShort) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("title", title);
    f.put("value", value);
    f.put("short", isShort);
    return f;
  }

  /**
   * The message as people read it: a failed endpoint also names its URL (without credentials and
   * query), so probes of {@code /health}, {@code /health/db} and {@code /health/redis} on one host
   * that fail alike ({@code cannot connect to host:port}) still say which is which. JSON keeps the
   * message as it is and carries the URL in its {@code url} field.
   */
  static String shown(CheckOutcome o) {
    Object url = o.data.get("url");
    return o.kind.equals("endpoint") && o.result != CheckOutcome.Result.PASS && url != null
        ? o.message + " for " + url : o.message;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A report number: whole values without a fraction ({@code 80}, not {@code 80.0}), others as
   * {@link Double#toString}, and NaN and infinities, which JSON has no number for, as strings.
   */
  private static final class ReportNumber extends StdSerializer<Double> {

    private static final long serialVersionUID = 1L;

    ReportNumber() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      double d = value;
      if (!Double.isFinite(d)) {
        gen.writeString(Double.toString(d));
      } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        gen.writeNumber((long) d);
      } else {
        gen.writeNumber(d);
      }
    }
  }

  static String summary(List<CheckOutcome> outcomes) {
    int failed = 0;
    int warned = 0;
    for (CheckOutcome o : outcomes) {
      failed += o.result == CheckOutcome.Result.FAIL ? 1 : 0;
      warned += o.result == CheckOutcome.Result.WARN ? 1 : 0;
    }
    String warnings = warned == 0 ? "" : " (" + warned + " warning" + (warned == 1 ? "" : "s") + ")";
    return failed == 0
        ? "HEALTHY: all " + outcomes.size() + " checks passed" + warnings
        : "UNHEALTHY: " + failed + " of " + outcomes.size() + " checks failed" + warnings;
  }

  /** Slack's mrkdwn control characters. */
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * One line of plain text: messages and names carry text from Prometheus (errors, label values) and
   * the network, so control characters (newlines, terminal escape sequences) become spaces.
   */
  static String oneLine(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        out.append(' ');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  private static String pad(String s, int width) {
    String cut = s.length() > width ? s.substring(0, width - 3) + "..." : s;
    StringBuilder sb = new StringBuilder(cut);
    while (sb.length() < width) {
      sb.append(' ');
    }
    return sb.toString();
  }
}
