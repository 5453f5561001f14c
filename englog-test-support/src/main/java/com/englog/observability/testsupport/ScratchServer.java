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
 * <p>A server that runs as another user keeps its data in a {@link ServerDirectory} instead, which
 * {@link #close()} removes; if a test never closes the server, a shutdown hook stops it and removes
 * the directory when the JVM exits.
 *
 * <p>{@link #freeze()} stops every process of the tree with SIGSTOP and returns only when each one is
 * stopped, so a test that simulates a hung dependency knows that nothing of the server answers.
 */
public abstract class ScratchServer implements AutoCloseable {

  private final ManagedProcess process;
  private final Path directory;
  private final int port;
  private final ServerDirectory owned;
  private final Thread shutdownHook;

  protected ScratchServer(ManagedProcess process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
    this.owned = null;
    this.shutdownHook = null;
  }

  /**
   * A server whose data lives in {@code directory}, removed by {@link #close()} (or at JVM exit if
   * the server was never closed).
   */
  protected ScratchServer(ManagedProcess process, ServerDirectory directory, int port) {
    this.process = process;
    this.directory = directory.path();
    this.port = port;
    this.owned = directory;
    this.shutdownHook = new Thread(this::close, "englog-test-server-cleanup-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code command} in {@code directory} with its output in {@code directory/logName}, then
   * waits until the log contains {@code readyLine} and {@code 127.0.0.1:port} accepts connections.
   * If either does not happen within {@code timeout}, the process is stopped and the error (with the
   * log's tail) is thrown.
   */
  protected static ManagedProcess launch(String name, List<String> command, Path directory, String logName,
      String readyLine, int port, Duration timeout) {
    return launch(name, command, directory, directory.resolve(logName), readyLine, port, timeout);
  }

  /**
   * Like {@link #launch(String, List, Path, String, String, int, Duration)}, with the log in a file of
   * its own: the JVM writes it, so it may lie where the server's user cannot reach.
   */
  protected static ManagedProcess launch(String name, List<String> command, Path workingDirectory,
      Path log, String readyLine, int port, Duration timeout) {
    try {
      Files.createFile(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedProcess process = ManagedProcess.start(name, command, workingDirectory, Map.of(), log);
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

  /** The scratch directory holding the server's data (and its log unless the server says otherwise). */
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

  /**
   * Stops the server (SIGTERM, then SIGKILL) and every process it started, and removes its {@link
   * ServerDirectory} if it has one.
   */
  @Override
  public void close() {
    process.close();
    if (owned != null) {
      owned.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is exiting: this is the hook running.
      }
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(127.0.0.1:" + port + ", " + process + ")";
  }
}
