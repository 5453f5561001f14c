package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about where the tests run. */
public final class TestEnvironment {

  private TestEnvironment() {}

  /** True when the {@code CI} environment variable is {@code true} (as every CI system sets it). */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** True when the tests run as root (Debian's servers refuse some operations as root). */
  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * The repository root: the nearest ancestor of the working directory (a module folder, as surefire
   * and failsafe run) with an {@code englog-bom} folder. Tests that check one module against files
   * another module ships (rule files, docs) read them from there, so a rename on either side fails
   * the build.
   */
  public static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("englog-bom"))) {
        return dir;
      }
    }
    throw new IllegalStateException("repository root (a folder with englog-bom/) not found above " + start);
  }

  /** System property naming the directory for {@link #scratchDirectory(String)} instead of {@code target/servers}. */
  public static final String SERVERS_DIRECTORY_PROPERTY = "englog.servers.dir";

  /**
   * A fresh directory under the module's {@code target/} for a server's data and logs, so a failed run
   * leaves its logs where a developer (and CI's artifact upload) looks. A launcher started outside a
   * module (the example stack's demo) names the base directory with the system property {@value
   * #SERVERS_DIRECTORY_PROPERTY}.
   */
  public static Path scratchDirectory(String prefix) {
    try {
      String configured = System.getProperty(SERVERS_DIRECTORY_PROPERTY);
      Path base = configured != null ? Path.of(configured) : Path.of("target", "servers");
      Files.createDirectories(base);
      return Files.createTempDirectory(base.toAbsolutePath(), prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
