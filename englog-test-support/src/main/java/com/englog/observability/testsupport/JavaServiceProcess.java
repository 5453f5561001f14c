package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Java service started as its own process, as an operator would start it: {@code java -jar
 * service.jar} or {@code java -cp service.jar some.Main}, with an environment, its output appended to a
 * log file, ready once a URL answers 200, and stopped like an orchestrator stops it (SIGTERM, then
 * SIGKILL after a deadline).
 *
 * <pre>{@code
 * try (JavaServiceProcess api = JavaServiceProcess.jar("englog-api", Path.of("target/api.jar"))
 *     .environment("ENGLOG_EXAMPLE_PORT", "8080")
 *     .logFile(Path.of("target/api.log"))
 *     .readiness(URI.create("http://127.0.0.1:8080/health/ready"))
 *     .start(Duration.ofSeconds(60))) {
 *   int exit = api.stop(Duration.ofSeconds(15));   // SIGTERM; SIGKILL after 15 s
 * }
 * }</pre>
 *
 * <p>The {@code java} program is the one running this JVM ({@code java.home}), so a service runs on the
 * JDK the build or the launcher runs on.
 */
public final class JavaServiceProcess implements AutoCloseable {

  /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(15);

  private final String name;
  private final List<String> command;
  private final ManagedProcess process;
  private final URI readiness;

  private JavaServiceProcess(String name, List<String> command, ManagedProcess process, URI readiness) {
    this.name = name;
    this.command = command;
    this.process = process;
    this.readiness = readiness;
  }

  /** A service started with {@code java -jar jar}. */
  public static Builder jar(String name, Path jar) {
    return new Builder(name, List.of("-jar", jar.toAbsolutePath().toString()), jar);
  }

  /** A service started with {@code java -cp classpath mainClass}. */
  public static Builder main(String name, Path classpath, String mainClass) {
    return main(name, classpath.toAbsolutePath().toString(), mainClass, classpath);
  }

  /** A service started with {@code java -cp classpath mainClass}, the class path given as text. */
  public static Builder main(String name, String classpath, String mainClass) {
    return main(name, classpath, mainClass, null);
  }

  private static Builder main(String name, String classpath, String mainClass, Path mustExist) {
    return new Builder(name, List.of("-cp", classpath, Objects.requireNonNull(mainClass, "mainClass")),
        mustExist);
  }

  /** The {@code java} program of the running JVM. */
  public static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  public String name() {
    return name;
  }

  /** The command line the process was started with (java program, options, jar or main class, arguments). */
  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The URL whose 200 answer meant ready, or null. */
  public URI readiness() {
    return readiness;
  }

  public Path logFile() {
    return process.logFile();
  }

  /** The last lines of the service's log, for failure messages. */
  public String logTail() {
    return process.logTail();
  }

  /** The process, for freezing it or waiting on a condition with its log in the failure. */
  public ManagedProcess process() {
    return process;
  }

  /**
   * SIGTERM, then SIGKILL if the service is still running after {@code grace}.
   *
   * @return the exit code, or -1 if the process could not be waited for
   */
  public int stop(Duration grace) {
    return process.stop(grace);
  }

  /** {@link #stop(Duration)} with {@link #DEFAULT_STOP_GRACE}. */
  @Override
  public void close() {
    process.stop(DEFAULT_STOP_GRACE);
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }

  /** The command line, environment and log of a service to start. */
  public static final class Builder {
    private final String name;
    private final List<String> target;
    private final Path mustExist;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> arguments = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path logFile;
    private Path workingDirectory;
    private URI readiness;
    private String readinessAuthorization;

    private Builder(String name, List<String> target, Path mustExist) {
      this.name = Objects.requireNonNull(name, "name");
      this.target = target;
      this.mustExist = mustExist;
    }

    /** A JVM option placed before {@code -jar}/{@code -cp}, e.g. {@code -Xmx128m}. */
    public Builder jvmOption(String option) {
      jvmOptions.add(Objects.requireNonNull(option, "option"));
      return this;
    }

    /** A program argument placed after the jar or main class. */
    public Builder argument(String argument) {
      arguments.add(Objects.requireNonNull(argument, "argument"));
      return this;
    }

    /** An environment variable added to this JVM's environment. */
    public Builder environment(String variable, String value) {
      environment.put(Objects.requireNonNull(variable, "variable"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Every entry of {@code variables}. */
    public Builder environment(Map<String, String> variables) {
      variables.forEach(this::environment);
      return this;
    }

    /** Where stdout and stderr are appended (created with its parent directories). Required. */
    public Builder logFile(Path file) {
      this.logFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** The working directory (default: this JVM's). */
    public Builder workingDirectory(Path directory) {
      this.workingDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** {@link #start(Duration)} waits until {@code GET uri} answers 200. */
    public Builder readiness(URI uri) {
      return readiness(uri, null);
    }

    /** As {@link #readiness(URI)}, sending this {@code Authorization} header. */
    public Builder readiness(URI uri, String authorization) {
      this.readiness = Objects.requireNonNull(uri, "uri");
      this.readinessAuthorization = authorization;
      return this;
    }

    /** The command line this builder starts. */
    public List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(javaExecutable().toString());
      command.addAll(jvmOptions);
      command.addAll(target);
      command.addAll(arguments);
      return List.copyOf(command);
    }

    /** The environment variables this builder adds. */
    public Map<String, String> environment() {
      return Map.copyOf(environment);
    }

    /**
     * Starts the process and, if a readiness URL is set, waits until it answers 200; if it does not
     * within {@code readyTimeout} (or the process exits first) the process is stopped and the error,
     * with the log's tail, is thrown.
     */
    public JavaServiceProcess start(Duration readyTimeout) {
      Objects.requireNonNull(logFile, "logFile");
      if (mustExist != null && !Files.exists(mustExist)) {
        throw new IllegalStateException(name + ": " + mustExist.toAbsolutePath() + " does not exist (not built?)");
      }
      try {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> command = command();
      ManagedProcess process = ManagedProcess.start(name, command, workingDirectory, environment, logFile);
      if (readiness != null) {
        try {
          process.awaitHttpOk(readiness, readinessAuthorization, readyTimeout);
        } catch (AssertionError | RuntimeException e) {
          process.stop(Duration.ofSeconds(5));
          throw e;
        }
      }
      return new JavaServiceProcess(name, command, process, readiness);
    }
  }
}
