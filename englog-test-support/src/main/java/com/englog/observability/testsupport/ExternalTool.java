package com.englog.observability.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds an external program an integration test needs (promtool, prometheus, amtool, redis-server, …).
 *
 * <p>When the program is missing, the test must not pass silently: in CI ({@code CI=true}) {@link
 * #require()} fails the test; on a developer machine it aborts (skips) the test with a message naming
 * the program and the command that installs it.
 *
 * <pre>{@code
 * Path promtool = ExternalTool.PROMTOOL.require();
 * }</pre>
 */
public final class ExternalTool {

  public static final ExternalTool PROMETHEUS = new ExternalTool("prometheus", "prometheus");
  public static final ExternalTool PROMTOOL = new ExternalTool("promtool", "prometheus");
  public static final ExternalTool ALERTMANAGER =
      new ExternalTool("prometheus-alertmanager", "prometheus-alertmanager", "alertmanager");
  public static final ExternalTool AMTOOL = new ExternalTool("amtool", "prometheus-alertmanager");
  public static final ExternalTool REDIS_SERVER = new ExternalTool("redis-server", "redis-server");
  public static final ExternalTool REDIS_CLI = new ExternalTool("redis-cli", "redis-server");
  public static final ExternalTool WRK = new ExternalTool("wrk", "wrk");
  public static final ExternalTool NODE_EXPORTER =
      new ExternalTool("prometheus-node-exporter", "prometheus-node-exporter");
  public static final ExternalTool BLACKBOX_EXPORTER =
      new ExternalTool("prometheus-blackbox-exporter", "prometheus-blackbox-exporter");
  public static final ExternalTool POSTGRES_EXPORTER =
      new ExternalTool("prometheus-postgres-exporter", "prometheus-postgres-exporter");
  public static final ExternalTool REDIS_EXPORTER =
      new ExternalTool("prometheus-redis-exporter", "prometheus-redis-exporter");

  /** The directories searched before {@code PATH}: Debian puts PostgreSQL's server binaries here. */
  private static final List<Path> EXTRA_DIRS =
      List.of(Path.of("/usr/lib/postgresql/15/bin"), Path.of("/usr/sbin"), Path.of("/usr/bin"));

  public static final ExternalTool POSTGRES = new ExternalTool("postgres", "postgresql");
  public static final ExternalTool INITDB = new ExternalTool("initdb", "postgresql");
  public static final ExternalTool PG_CTL = new ExternalTool("pg_ctl", "postgresql");

  private final String name;
  private final String debianPackage;
  private final List<String> candidates;

  private ExternalTool(String name, String debianPackage, String... alternativeNames) {
    this.name = name;
    this.debianPackage = debianPackage;
    List<String> all = new ArrayList<>();
    all.add(name);
    all.addAll(List.of(alternativeNames));
    this.candidates = List.copyOf(all);
  }

  /** A tool not listed above. */
  public static ExternalTool of(String name, String debianPackage) {
    return new ExternalTool(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(debianPackage, "debianPackage"));
  }

  /** The program's name as the tests refer to it. */
  public String name() {
    return name;
  }

  /** The command that installs the program on Debian 12. */
  public String installCommand() {
    return "apt-get install -y --no-install-recommends " + debianPackage;
  }

  /** The program's path, if it is installed. */
  public Optional<Path> find() {
    for (String candidate : candidates) {
      for (Path dir : EXTRA_DIRS) {
        Path p = dir.resolve(candidate);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
      String path = System.getenv("PATH");
      if (path != null) {
        for (String dir : path.split(java.io.File.pathSeparator)) {
          if (dir.isEmpty()) {
            continue;
          }
          Path p = Path.of(dir, candidate);
          if (Files.isExecutable(p)) {
            return Optional.of(p);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The program's path; fails the test in CI and skips it elsewhere when the program is missing.
   *
   * @throws AssertionError in CI when the program is missing
   */
  public Path require() {
    Optional<Path> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        name + " is not installed (looked in " + EXTRA_DIRS + " and PATH); install it with: "
            + installCommand() + " (or run ./scripts/test-all.sh, which installs every test tool)";
    if (TestEnvironment.isCi()) {
      throw new AssertionError("CI=true and a required tool is missing: " + message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  @Override
  public String toString() {
    return name;
  }
}
