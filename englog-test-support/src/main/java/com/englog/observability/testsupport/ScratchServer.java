package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Debian server binary started for a test: one process tree in a scratch directory under {@code
 * target/servers/}, its output in a log file there, ready once the log shows a readiness line and its
 * loopback port accepts connections. {@link PostgresServer} and {@link RedisServer} are built on it.
 *
 * <p>{@link #freeze()} stops every process of the tree with SIGSTOP and returns only when each one is
 * stopped, so a test that simulates a hung dependency knows that nothing of the server answers.
 */
public abstract class ScratchServer implements AutoCloseable {

  private final ManagedProcess process;
  private final Path directory;
  private final int port;

  protected ScratchServer(ManagedProcess process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
  }

  /**
   * Starts {@code command} in {@code directory} with its output in {@code directory/logName}, then
   * waits until the log contains {@code readyLine} and {@code 127.0.0.1:port} accepts connections.
   * If either does not happen within {@code timeout}, the process is stopped and the error (with the
   * log's tail) is thrown.
   */
  protected static ManagedProcess launch(String name, List<String> command, Path directory, String logName,
      String readyLine, int port, Duration timeout) {
    Path log = directory.resolve(logName);
    try {
      Files.createFile(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedProcess process = ManagedProcess.start(name, command, directory, Map.of(), log);
    try {
      process.awaitCondition(name + " logs \"" + readyLine + "\"", timeout,
          () -> process.logTail().contains(readyLine));
      process.awaitPort(port, timeout);
    } catch (AssertionError | RuntimeException e) {
      process.close();
      throw e;
    }
    return process;
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
  }

  /** The scratch directory holding the server's data and log. */
  public Path directory() {
    return directory;
  }

  /**
   * SIGSTOP to every process of the server, verified: open connections hang, new ones are accepted by
   * the kernel but never answered. Fails if a process of the tree does not stop.
   */
  public void freeze() {
    process.freeze();
  }

  /** SIGCONT to every process of the server. */
  public void thaw() {
    process.thaw();
  }

  /**
   * The scheduler state of each process of the server ({@code T} stopped, {@code S} sleeping, {@code
   * R} running), for assertion messages about {@link #freeze()}.
   */
  public Map<Long, String> processStates() {
    return process.processStates();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** The last lines of the server's log, for assertion messages. */
  public String logTail() {
    return process.logTail();
  }

  /** The server's process, for subclasses that stop it their own way first. */
  protected final ManagedProcess process() {
    return process;
  }

  /** Stops the server (SIGTERM, then SIGKILL) and every process it started. */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(127.0.0.1:" + port + ", " + process + ")";
  }
}
