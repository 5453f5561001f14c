package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.HttpRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  private record Run(int exitCode, String out, String err) {}

  private Run javaJar(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("englog.healthcheck.cliJar");
    assertThat(jar).as("system property englog.healthcheck.cliJar (set by failsafe in the pom)").isNotNull();
    assertThat(Path.of(jar)).as("the packaged -cli jar").isRegularFile();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("java -jar did not finish within 120 s: " + command);
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() throws Exception {
    Run help = javaJar("--help");

    assertThat(help.exitCode()).as(help.toString()).isEqualTo(ExitCode.HEALTHY);
    assertThat(help.out()).startsWith("usage: englog-healthcheck [--config FILE]").contains("--sla WINDOW");
    assertThat(help.err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsAUsageError() throws Exception {
    Run bad = javaJar("--verbose");

    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err()).startsWith("englog-healthcheck: unknown option --verbose").contains("usage:");
  }

  @Test
  void probesAnEndpointWithTheShadedDependenciesAndExitsByTheResult() throws Exception {
    try (HttpRecorder api = HttpRecorder.start()) {
      api.respondWith(200, "{\"status\":\"UP\"}");
      Path config = dir.resolve("healthcheck.yml");
      Files.writeString(config, "endpoints:\n  - {name: API Health, url: '" + api.uri("/health") + "'}\n");

      Run healthy = javaJar("--config", config.toString());
      assertThat(healthy.exitCode()).as(healthy.toString()).isEqualTo(ExitCode.HEALTHY);
      assertThat(healthy.out()).contains("PASS  API Health", "HEALTHY: all 1 checks passed");
      // The shaded jar carries its SLF4J provider: no "No SLF4J providers were found" warning.
      assertThat(healthy.err()).doesNotContain("SLF4J");

      api.respondWith(503, "{\"status\":\"DOWN\"}");
      Run unhealthy = javaJar("--config", config.toString(), "--json");
      assertThat(unhealthy.exitCode()).as(unhealthy.toString()).isEqualTo(ExitCode.UNHEALTHY);
      assertThat(unhealthy.out()).contains("\"status\":\"UNHEALTHY\"", "\"result\":\"FAIL\"");
    }
  }
}
