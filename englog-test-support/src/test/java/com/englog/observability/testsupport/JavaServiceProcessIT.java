package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts a real JVM with a tiny HTTP service (the main below) and stops it as an orchestrator would. */
class JavaServiceProcessIT {

  private static final Path TEST_CLASSES = Path.of("target/test-classes");

  @TempDir Path dir;

  /** The service: answers /health/ready on $PORT; with $HANG_ON_TERM its shutdown hook never ends. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv("PORT"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/health/ready", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("stopping");
      if (System.getenv("HANG_ON_TERM") != null) {
        try {
          Thread.sleep(600_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      server.stop(0);
    }));
    System.out.println("tiny ready on " + port + " " + args.length);
  }

  @Test
  void startsWithEnvironmentAwaitsReadinessAndStopsWithSigtermLeavingNothingListening() {
    int port = FreePort.next();
    JavaServiceProcess.Builder builder = JavaServiceProcess.main("tiny", TEST_CLASSES, JavaServiceProcessIT.class.getName())
        .jvmOption("-Xmx32m").argument("one")
        .environment("PORT", Integer.toString(port))
        .logFile(dir.resolve("logs/tiny.log"))
        .readiness(URI.create("http://127.0.0.1:" + port + "/health/ready"));
    assertThat(builder.command()).startsWith(JavaServiceProcess.javaExecutable().toString(), "-Xmx32m", "-cp")
        .endsWith(JavaServiceProcessIT.class.getName(), "one");
    try (JavaServiceProcess tiny = builder.start(Duration.ofSeconds(30))) {
      assertThat(tiny.isAlive()).isTrue();
      assertThat(ProcessHandle.of(tiny.pid())).isPresent();
      assertThat(tiny.logTail()).contains("tiny ready on " + port + " 1");
      int exit = tiny.stop(Duration.ofSeconds(20));
      assertThat(exit).isEqualTo(143);
      assertThat(tiny.isAlive()).isFalse();
      assertThat(tiny.logTail()).contains("stopping");
      assertThat(portFree(port)).isTrue();
    }
  }

  @Test
  void killsAServiceThatDoesNotStopWithinTheGrace() {
    int port = FreePort.next();
    try (JavaServiceProcess stuck = JavaServiceProcess.main("stuck", TEST_CLASSES, JavaServiceProcessIT.class.getName())
        .environment("PORT", Integer.toString(port)).environment("HANG_ON_TERM", "1")
        .logFile(dir.resolve("stuck.log"))
        .readiness(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .start(Duration.ofSeconds(30))) {
      long pid = stuck.pid();
      assertThat(stuck.stop(Duration.ofMillis(500))).isEqualTo(137);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(portFree(port)).isTrue();
    }
  }

  @Test
  void stopsByPidAndFailsWithTheLogWhenTheServiceExitsBeforeReady() throws IOException {
    int port = FreePort.next();
    JavaServiceProcess tiny = JavaServiceProcess.main("tiny", TEST_CLASSES, JavaServiceProcessIT.class.getName())
        .environment("PORT", Integer.toString(port))
        .logFile(dir.resolve("bypid.log"))
        .readiness(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .start(Duration.ofSeconds(30));
    assertThat(ManagedProcess.stopPid(tiny.pid(), Duration.ofSeconds(20))).isTrue();
    assertThat(portFree(port)).isTrue();

    Files.writeString(dir.resolve("x"), "");
    assertThatThrownBy(() -> JavaServiceProcess.main("broken", TEST_CLASSES, JavaServiceProcessIT.class.getName())
        .logFile(dir.resolve("broken.log"))
        .readiness(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .start(Duration.ofSeconds(30)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("broken exited with 1")
        .hasMessageContaining("NumberFormatException");
    assertThatThrownBy(() -> JavaServiceProcess.jar("missing", dir.resolve("missing.jar"))
        .logFile(dir.resolve("missing.log")).start(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing.jar does not exist");
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }
}
