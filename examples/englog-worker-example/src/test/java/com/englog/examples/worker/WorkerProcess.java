package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged worker ({@code java -jar target/englog-worker-example.jar}) in a child JVM, started the
 * way the launcher starts it; its stdout is kept line by line (and copied to {@code target/}).
 */
final class WorkerProcess implements AutoCloseable {

  static final Path JAR = Path.of("target", "englog-worker-example.jar");
  private static final String READY = "englog-example ready: englog-worker http://";

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Path tokenFile;
  private final int port;
  private final Thread reader;

  private WorkerProcess(Process process, Path tokenFile, int port, Path log) {
    this.process = process;
    this.tokenFile = tokenFile;
    this.port = port;
    this.reader = new Thread(() -> copy(log), "worker-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the worker on {@code port} with {@code env} on top of a clean environment (no {@code
   * ENGLOG_*} or {@code OTEL_*} of the machine), and waits for its ready line. The metrics token is a
   * file of the test's, unless {@code env} sets {@code TMPDIR}: then the worker generates one there.
   */
  static WorkerProcess start(String name, int port, Map<String, String> env) throws IOException {
    assertThat(JAR).as("run after package: the ITs start the packaged jar").exists();
    Path dir = Files.createDirectories(Path.of("target", "it", name));
    Files.deleteIfExists(dir.resolve("stdout.log"));
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
    builder.environment().keySet().removeIf(k -> k.startsWith("ENGLOG_") || k.startsWith("OTEL_"));
    builder.environment().put("ENGLOG_EXAMPLE_PORT", Integer.toString(port));
    builder.environment().put("ENGLOG_EXAMPLE_DRAIN_SECONDS", "10");
    Path tokenFile;
    if (env.containsKey("TMPDIR")) {
      tokenFile = Path.of(env.get("TMPDIR"), "englog-worker-metrics-token");
    } else {
      tokenFile = dir.resolve("metrics-token");
      Files.deleteIfExists(tokenFile);
      Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tokenFile, "it-token-" + System.nanoTime() + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      builder.environment().put("ENGLOG_EXAMPLE_METRICS_TOKEN_FILE", tokenFile.toString());
    }
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    WorkerProcess worker = new WorkerProcess(builder.start(), tokenFile, port, dir.resolve("stdout.log"));
    worker.awaitLine(line -> line.startsWith(READY), Duration.ofSeconds(30));
    return worker;
  }

  String baseUri() {
    return "http://127.0.0.1:" + port;
  }

  Path tokenFile() {
    return tokenFile;
  }

  /** The bearer token {@code /metrics} wants. */
  String token() {
    try {
      return Files.readString(tokenFile).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  long count(Predicate<String> line) {
    return lines.stream().filter(line).count();
  }

  /** Waits for a line of stdout matching {@code line}; fails with what the worker wrote. */
  String awaitLine(Predicate<String> line, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String l : lines) {
        if (line.test(l)) {
          return l;
        }
      }
      if (!process.isAlive() && lines.stream().noneMatch(line)) {
        throw new AssertionError("worker exited with " + process.exitValue() + "; output:\n" + String.join("\n", lines));
      }
      sleep(20);
    }
    throw new AssertionError("no such line within " + timeout + "; output:\n" + String.join("\n", lines));
  }

  /**
   * Sends SIGTERM, as an orchestrator stopping the pod does. Through the process handle:
   * {@code Process.destroy()} would also close our end of its stdout, losing the lines the worker
   * writes while it shuts down.
   */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** Waits for the process to end and for the last line it wrote, and returns its exit status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("worker still running after " + timeout + "; output:\n" + String.join("\n", lines));
    }
    reader.join(timeout.toMillis());
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void copy(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Every line that is a JSON object, as text (the ready line is not JSON). */
  List<String> jsonLines() {
    List<String> json = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("{")) {
        json.add(line);
      }
    }
    return json;
  }
}
