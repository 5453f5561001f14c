package com.englog.observability.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Debian's {@code amtool} (Alertmanager 0.25). Each method runs it and returns the outcome; the caller
 * asserts on {@link ToolRun#exitCode()} with {@link ToolRun#describe()} as the message.
 *
 * <pre>{@code
 * ToolRun run = Amtool.routesTest(config, List.of("critical-alerts"),
 *     Map.of("alertname", "HighErrorRate", "severity", "critical", "service", "api"));
 * assertThat(run.exitCode()).as(run.describe()).isZero();
 * }</pre>
 *
 * <p>Label values are passed quoted ({@code name="value"}), which both the 0.25 parser and the UTF-8
 * matcher parser of 0.27+ accept.
 */
public final class Amtool {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Amtool() {}

  /** {@code amtool check-config}. It does not check that {@code *_file} paths exist. */
  public static ToolRun checkConfig(Path config) {
    return run("check-config", config.toString());
  }

  /**
   * {@code amtool config routes test --verify.receivers=…}: exit code 0 when an alert with
   * {@code labels} reaches exactly {@code receivers} (in routing order), 1 otherwise.
   */
  public static ToolRun routesTest(Path config, List<String> receivers, Map<String, String> labels) {
    List<String> args = new ArrayList<>(List.of("config", "routes", "test",
        "--config.file=" + config, "--verify.receivers=" + String.join(",", receivers)));
    args.addAll(quoted(labels));
    return run(args.toArray(new String[0]));
  }

  /** The receivers an alert with {@code labels} reaches, as amtool prints them (comma separated). */
  public static ToolRun routesOf(Path config, Map<String, String> labels) {
    List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + config));
    args.addAll(quoted(labels));
    return run(args.toArray(new String[0]));
  }

  /** {@code amtool alert add} against a running Alertmanager. */
  public static ToolRun alertAdd(URI alertmanager, Map<String, String> labels,
      Map<String, String> annotations) {
    List<String> args = new ArrayList<>(List.of("alert", "add",
        "--alertmanager.url=" + alertmanager));
    args.addAll(quoted(labels));
    for (Map.Entry<String, String> a : new TreeMap<>(annotations).entrySet()) {
      args.add("--annotation=" + a.getKey() + "=" + a.getValue());
    }
    return run(args.toArray(new String[0]));
  }

  /** {@code amtool alert query -o json} (with {@code --inhibited}/{@code --silenced} when asked). */
  public static ToolRun alertQuery(URI alertmanager, boolean inhibited, boolean silenced,
      String... matchers) {
    List<String> args = new ArrayList<>(List.of("alert", "query", "-o", "json",
        "--alertmanager.url=" + alertmanager));
    if (inhibited) {
      args.add("--inhibited");
    }
    if (silenced) {
      args.add("--silenced");
    }
    args.addAll(List.of(matchers));
    return run(args.toArray(new String[0]));
  }

  /** {@code amtool silence add}; stdout is the silence id. */
  public static ToolRun silenceAdd(URI alertmanager, String author, String comment, Duration duration,
      String... matchers) {
    List<String> args = new ArrayList<>(List.of("silence", "add",
        "--alertmanager.url=" + alertmanager, "--author=" + author, "--comment=" + comment,
        "--duration=" + duration.toSeconds() + "s"));
    args.addAll(List.of(matchers));
    return run(args.toArray(new String[0]));
  }

  /** Any amtool command line. */
  public static ToolRun run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ExternalTool.AMTOOL.require().toString());
    command.addAll(List.of(args));
    return ToolRun.run(command, null, TIMEOUT);
  }

  private static List<String> quoted(Map<String, String> labels) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> l : new TreeMap<>(labels).entrySet()) {
      out.add(l.getKey() + "=\"" + l.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    return out;
  }
}
