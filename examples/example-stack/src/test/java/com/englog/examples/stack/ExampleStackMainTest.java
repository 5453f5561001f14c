package com.englog.examples.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the demo command says when it cannot start: one line, no stack trace, nothing left running. */
class ExampleStackMainTest {

  @TempDir Path examples;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ExampleStackMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTakenPortIsOneLineNamingThePortAndTheOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int exit = run("--examples-dir", examples.toString(), "--no-monitoring",
          "--api-port", Integer.toString(taken.getLocalPort()));
      assertThat(exit).isEqualTo(2);
      assertThat(err().strip()).isEqualTo("run-example-stack: port " + taken.getLocalPort()
          + " for the API is in use on 127.0.0.1; choose another with its --*-port option (0 picks a free one)");
    }
  }

  @Test
  void unbuiltExamplesAreOneLineWithTheBuildCommand() {
    int exit = run("--examples-dir", examples.toString(), "--no-monitoring", "--api-port", "0",
        "--worker-port", "0", "--ai-port", "0");
    assertThat(exit).isEqualTo(2);
    assertThat(err().lines().count()).isEqualTo(1);
    assertThat(err()).contains("englog-api-example.jar is not built; build it with: ./mvnw -B -ntp -q -pl "
        + "examples/example-stack -am package -DskipTests").doesNotContain("Exception");
  }

  @Test
  void versionComesFromTheBuildAndHelpListsThePortOptions() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).matches("run-example-stack \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    out.reset();
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--api-port", "--with-postgres", "--with-redis",
        "--no-monitoring", "--time-divisor", "--prometheus-port", "--alertmanager-port");
  }

  @Test
  void installLineNamesEveryMissingPackageOnce() {
    assertThat(ExampleStack.installLine(List.of(ExternalTool.PROMETHEUS, ExternalTool.PROMTOOL,
        ExternalTool.ALERTMANAGER))).isEqualTo(
            "sudo apt-get install -y --no-install-recommends prometheus prometheus-alertmanager");
  }

  @Test
  void shellQuotesArgumentsWithSpaces() {
    assertThat(ExampleStackMain.shell(List.of("pg_ctl", "start", "-o", "-p 5432 -c a=b", "it's")))
        .isEqualTo("pg_ctl start -o '-p 5432 -c a=b' 'it'\\''s'");
  }
}
