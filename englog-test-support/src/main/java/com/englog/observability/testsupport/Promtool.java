package com.englog.observability.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's {@code promtool} (Prometheus 2.42). Each method runs it and returns the outcome; the caller
 * asserts on {@link ToolRun#exitCode()} with {@link ToolRun#describe()} as the message.
 *
 * <p>promtool 2.42 has no {@code --run}, no {@code --junit} and no query-parsing command; to check that
 * a query parses, write it into a rule file and {@link #checkRules(Path...)} it.
 */
public final class Promtool {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private Promtool() {}

  /** {@code promtool check metrics} on an exposition (Prometheus text format) given on stdin. */
  public static ToolRun checkMetrics(String exposition) {
    return run(exposition, "check", "metrics");
  }

  /** {@code promtool check rules} on rule files. */
  public static ToolRun checkRules(Path... ruleFiles) {
    return run(null, withPaths(List.of("check", "rules"), ruleFiles));
  }

  /** {@code promtool check config} on a Prometheus configuration (follows its rule_files). */
  public static ToolRun checkConfig(Path configFile) {
    return run(null, withPaths(List.of("check", "config"), configFile));
  }

  /** {@code promtool test rules} on rule unit-test files. */
  public static ToolRun testRules(Path... testFiles) {
    return run(null, withPaths(List.of("test", "rules"), testFiles));
  }

  /** Any promtool command line. */
  public static ToolRun run(String stdin, String... args) {
    return run(stdin, List.of(args));
  }

  private static ToolRun run(String stdin, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ExternalTool.PROMTOOL.require().toString());
    command.addAll(args);
    return ToolRun.run(command, stdin, TIMEOUT);
  }

  private static List<String> withPaths(List<String> head, Path... paths) {
    List<String> args = new ArrayList<>(head);
    for (Path p : paths) {
      args.add(p.toString());
    }
    return args;
  }
}
