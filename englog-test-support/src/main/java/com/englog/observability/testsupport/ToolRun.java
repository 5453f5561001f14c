package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The outcome of running a command line tool to completion: exit code and both output streams.
 *
 * <pre>{@code
 * ToolRun run = ToolRun.run(List.of(promtool.toString(), "check", "metrics"), exposition, Duration.ofSeconds(30));
 * assertThat(run.exitCode()).as(run.describe()).isZero();
 * }</pre>
 */
public final class ToolRun {

  private final List<String> command;
  private final int exitCode;
  private final String stdout;
  private final String stderr;

  private ToolRun(List<String> command, int exitCode, String stdout, String stderr) {
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Runs {@code command} with {@code stdin} (may be null) and waits at most {@code timeout}. */
  public static ToolRun run(List<String> command, String stdin, Duration timeout) {
    return run(command, stdin, timeout, null);
  }

  /** As {@link #run(List, String, Duration)}, in working directory {@code dir} (null: current). */
  public static ToolRun run(List<String> command, String stdin, Duration timeout, Path dir) {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The tool may exit before reading its input; its exit code and output tell why.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + timeout);
      }
      return new ToolRun(command, process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream s = stream) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "<output unreadable: " + e + ">";
          }
        });
  }

  public int exitCode() {
    return exitCode;
  }

  public String stdout() {
    return stdout;
  }

  public String stderr() {
    return stderr;
  }

  /** Command, exit code and output, for assertion messages. */
  public String describe() {
    return String.join(" ", command) + " exited " + exitCode + "\n--- stdout ---\n" + stdout
        + "\n--- stderr ---\n" + stderr;
  }

  @Override
  public String toString() {
    return describe();
  }
}
