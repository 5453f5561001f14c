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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  /** Stopped by a signal or by a tracer; zombies and the dead answer nothing either. */
  private static final Set<String> STOPPED_STATES = Set.of("T", "t", "Z", "X");

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
   * SIGSTOP to the process and every descendant: connections stay open, nothing answers. Returns only
   * when every process of the tree is verifiably stopped (state {@code T} in {@code /proc}).
   *
   * <p>A server may fork a child (a PostgreSQL backend for a pool's new connection) between listing
   * the descendants and stopping them; such a child would keep answering. So the tree is listed again
   * after each round of signals until a round finds no process that is not stopped yet: once a parent
   * is stopped it cannot fork. A signal takes effect asynchronously, so the states are then polled.
   *
   * @throws AssertionError if a process of the tree is still not stopped after 10 s
   */
  public void freeze() {
    Set<Long> signalled = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<Long> tree = processTree();
      List<Long> fresh = tree.stream().filter(pid -> !signalled.contains(pid)).collect(Collectors.toList());
      Map<Long, String> running = new TreeMap<>();
      if (!fresh.isEmpty()) {
        signal("STOP", fresh);
        signalled.addAll(fresh);
        fresh.forEach(pid -> running.put(pid, "signalled"));
      } else {
        for (long pid : tree) {
          String state = state(pid);
          if (state != null && !STOPPED_STATES.contains(state)) {
            running.put(pid, state);
          }
        }
        if (running.isEmpty()) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not freeze: processes not stopped 10 s after SIGSTOP "
            + "(pid=state): " + running);
      }
      sleep(10);
    }
  }

  /**
   * The scheduler state of every process of the tree, from {@code /proc/PID/stat} ({@code T} is
   * stopped, {@code S} sleeping, {@code R} running); empty where {@code /proc} is not available.
   */
  public Map<Long, String> processStates() {
    Map<Long, String> states = new TreeMap<>();
    for (long pid : processTree()) {
      String state = state(pid);
      if (state != null) {
        states.put(pid, state);
      }
    }
    return states;
  }

  /** The state letter of {@code pid}, or null if the process is gone or /proc cannot tell. */
  private static String state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      // "pid (comm) S ...": comm may contain spaces and parentheses, so look after the last ')'.
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() ? null : stat.substring(close + 2, close + 3);
    } catch (IOException e) {
      return null;
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
    if (run.exitCode() == 0 || !process.isAlive()) {
      return;
    }
    // kill fails for the whole list if one process exited meanwhile (a backend closing): only a
    // process that is still there and could not be signalled is an error.
    for (long pid : pids) {
      ToolRun one = ToolRun.run(List.of("kill", "-" + signal, Long.toString(pid)), null, Duration.ofSeconds(10));
      if (one.exitCode() != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        throw new AssertionError("cannot send SIG" + signal + " to " + name + " (pid " + pid + "): "
            + one.describe());
      }
    }
  }

  /**
   * Stops the process the way an orchestrator does: SIGCONT (in case it is frozen), SIGTERM, and
   * SIGKILL if it has not exited within {@code grace}; then every descendant still alive is killed.
   *
   * @return the exit code (143 or 137 for a JVM ended by the signal; 0 after a clean shutdown hook
   *     that calls {@code halt(0)}), or -1 if the process could not be waited for
   */
  public int stop(Duration grace) {
    if (process.isAlive()) {
      try {
        thaw();
      } catch (AssertionError ignored) {
        // Already gone.
      }
    }
    List<ProcessHandle> descendants = process.toHandle().descendants().collect(Collectors.toList());
    int exit = terminate(grace);
    descendants.forEach(ProcessHandle::destroyForcibly);
    return exit;
  }

  /**
   * SIGTERM to {@code pid}, SIGKILL after {@code grace}: for a process this JVM did not start (a PID
   * from a PID file). Returns true if the process is gone afterwards (or was not running).
   */
  public static boolean stopPid(long pid, Duration grace) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    handle.get().destroy();
    if (!waitGone(handle.get(), grace)) {
      handle.get().destroyForcibly();
      waitGone(handle.get(), Duration.ofSeconds(10));
    }
    return !handle.get().isAlive();
  }

  private static boolean waitGone(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  private int terminate(Duration grace) {
    stopPid(process.pid(), grace);
    try {
      return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
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
