package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A server process started for a test: output goes to a log file, readiness is awaited, and {@link
 * #close()} stops it (SIGTERM, then SIGKILL). {@link #freeze()} and {@link #thaw()} send SIGSTOP and
 * SIGCONT to the process and all its descendants, which is how tests simulate a hung dependency.
 */
public final class ManagedProcess implements AutoCloseable {

  /** The one HTTP client of test support: readiness probes here, API calls of {@link LoopbackServer}. */
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path logFile;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code command}, appending stdout and stderr to {@code logFile}.
   *
   * @param environment extra environment variables (may be empty)
   */
  public static ManagedProcess start(
      String name, List<String> command, Path workingDirectory, Map<String, String> environment,
      Path logFile) {
    Objects.requireNonNull(name, "name");
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    try {
      return new ManagedProcess(name, builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** Waits until {@code uri} answers 200, or fails with the process log. */
  public ManagedProcess awaitHttpOk(URI uri, Duration timeout) {
    return awaitHttpOk(uri, null, timeout);
  }

  /**
   * Waits until {@code uri} answers 200 to a request with this {@code Authorization} header (none when
   * null), or fails with the process log.
   */
  public ManagedProcess awaitHttpOk(URI uri, String authorization, Duration timeout) {
    return awaitCondition(
        "GET " + uri + " answers 200",
        timeout,
        () -> {
          HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET();
          if (authorization != null) {
            request.header("Authorization", authorization);
          }
          try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  /** Waits until a TCP connection to {@code 127.0.0.1:port} succeeds, or fails with the process log. */
  public ManagedProcess awaitPort(int port, Duration timeout) {
    return awaitCondition(
        "127.0.0.1:" + port + " accepts connections",
        timeout,
        () -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
  }

  /** Polls {@code condition} every 50 ms until it holds, the process dies, or {@code timeout} passes. */
  public ManagedProcess awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited with " + process.exitValue() + " before " + what + "; log:\n" + logTail());
      }
      sleep(50);
    }
    throw new AssertionError(name + ": timed out after " + timeout + " waiting until " + what
        + "; log:\n" + logTail());
  }

  /** The last 60 lines of the process log. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "<log unreadable: " + e + ">";
    }
  }

  public Path logFile() {
    return logFile;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGSTOP to the process and every descendant: connections stay open, nothing answers.
   *
   * <p>A server may fork a child (a PostgreSQL backend for a pool's new connection) between listing
   * the descendants and stopping them; such a child would keep answering. So the tree is stopped in
   * rounds until a round finds no process that is not stopped yet: once a parent is stopped it cannot
   * fork, so the second round normally finds nothing new.
   */
  public void freeze() {
    Set<Long> stopped = new HashSet<>();
    for (int round = 0; round < 10; round++) {
      List<Long> fresh = processTree().stream().filter(pid -> !stopped.contains(pid))
          .collect(Collectors.toList());
      if (fresh.isEmpty()) {
        return;
      }
      signal("STOP", fresh);
      stopped.addAll(fresh);
    }
  }

  /** SIGCONT to the process and every descendant. */
  public void thaw() {
    signal("CONT", processTree());
  }

  private List<Long> processTree() {
    return Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants())
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toList());
  }

  private void signal(String signal, List<Long> pids) {
    if (pids.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    ToolRun run = ToolRun.run(command, null, Duration.ofSeconds(10));
    if (run.exitCode() != 0 && process.isAlive()) {
      throw new AssertionError("cannot send SIG" + signal + " to " + name + ": " + run.describe());
    }
  }

  /** Stops the process: SIGCONT (in case it is frozen), SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      thaw();
    } catch (AssertionError ignored) {
      // Already gone.
    }
    List<ProcessHandle> descendants = process.toHandle().descendants().collect(Collectors.toList());
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }
}
