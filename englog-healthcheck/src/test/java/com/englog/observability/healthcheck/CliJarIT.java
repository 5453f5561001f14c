package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.ToolRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as the build packages it ({@code englog-healthcheck-VERSION-cli.jar}, shaded, with
 * its main class in the manifest), started with {@code java -jar} as the scheduling examples of
 * docs/healthcheck.md start it: a missing dependency, a wrong manifest or an SLF4J provider lost in
 * shading fails here, not in the unit tests that call {@link HealthCheckCli#run} on the class path.
 */
class CliJarIT {

  @TempDir
  Path dir;

  private static ToolRun javaJar(String... args) {
    String jar = System.getProperty("englog.healthcheck.cliJar");
    assertThat(jar).as("system property englog.healthcheck.cliJar (set by failsafe in the pom)").isNotNull();
    assertThat(Path.of(jar)).as("the packaged -cli jar").isRegularFile();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    return ToolRun.run(command, null, Duration.ofSeconds(120));
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() throws Exception {
    ToolRun help = javaJar("--help");

    assertThat(help.exitCode()).as(help.toString()).isEqualTo(ExitCode.HEALTHY.code());
    assertThat(help.stdout()).startsWith("Usage: englog-healthcheck [-hV] [--json] [--no-notify] [--config=FILE]")
        .contains("--sla=WINDOW", "Exit codes:");
    assertThat(help.stderr()).isEmpty();
  }

  @Test
  void versionIsTheJarsVersion() throws Exception {
    ToolRun version = javaJar("--version");

    assertThat(version.exitCode()).as(version.toString()).isEqualTo(ExitCode.HEALTHY.code());
    assertThat(version.stdout().strip()).isEqualTo("englog-healthcheck " + System.getProperty("englog.healthcheck.version"));
  }

  @Test
  void anUnknownOptionIsAUsageError() throws Exception {
    ToolRun bad = javaJar("--verbose");

    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCode.USAGE.code());
    assertThat(bad.stderr()).startsWith("englog-healthcheck: Unknown option: '--verbose'").contains("Usage:");
  }

  @Test
  void probesAnEndpointWithTheShadedDependenciesAndExitsByTheResult() throws Exception {
    try (HttpRecorder api = HttpRecorder.start()) {
      api.respondWith(200, "{\"status\":\"UP\"}");
      Path config = dir.resolve("healthcheck.yml");
      Files.writeString(config, "endpoints:\n  - {name: API Health, url: '" + api.uri("/health") + "'}\n");

      ToolRun healthy = javaJar("--config", config.toString());
      assertThat(healthy.exitCode()).as(healthy.toString()).isEqualTo(ExitCode.HEALTHY.code());
      assertThat(healthy.stdout()).contains("PASS  API Health", "HEALTHY: all 1 checks passed");
      // The shaded jar carries its SLF4J provider: no "No SLF4J providers were found" warning.
      assertThat(healthy.stderr()).doesNotContain("SLF4J");

      api.respondWith(503, "{\"status\":\"DOWN\"}");
      ToolRun unhealthy = javaJar("--config", config.toString(), "--json");
      assertThat(unhealthy.exitCode()).as(unhealthy.toString()).isEqualTo(ExitCode.UNHEALTHY.code());
      assertThat(unhealthy.stdout()).contains("\"status\":\"UNHEALTHY\"", "\"result\":\"FAIL\"");
    }
  }
}
