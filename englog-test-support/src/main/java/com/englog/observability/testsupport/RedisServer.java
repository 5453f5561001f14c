package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real Redis (Debian's {@code redis-server}) on a free loopback port, without persistence, in a
 * scratch directory under {@code target/servers/redis-*}.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   connect("127.0.0.1", redis.port());
 *   redis.freeze();   // SIGSTOP: connections are accepted by the kernel but nothing answers
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

  private final ManagedProcess process;
  private final int port;
  private final String password;

  private RedisServer(ManagedProcess process, int port, String password) {
    this.process = process;
    this.port = port;
    this.password = password;
  }

  /** Starts a server without authentication. */
  public static RedisServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int port() {
    return port;
  }

  /** The {@code requirepass} password, or null. */
  public String password() {
    return password;
  }

  /** SIGSTOP: the server stops answering, open connections hang. */
  public void freeze() {
    process.freeze();
  }

  /** SIGCONT. */
  public void thaw() {
    process.thaw();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  public String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }

  /** Configures and starts a {@link RedisServer}. */
  public static final class Builder {
    private String password;

    private Builder() {}

    /** Require this password ({@code requirepass}). */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    public RedisServer start() {
      Path binary = ExternalTool.REDIS_SERVER.require();
      Path dir = TestEnvironment.scratchDirectory("redis");
      int port = FreePort.next();
      List<String> command = new ArrayList<>(List.of(binary.toString(),
          "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
          "--daemonize", "no", "--dir", dir.toString(), "--loglevel", "notice"));
      if (password != null) {
        command.addAll(List.of("--requirepass", password));
      }
      try {
        Path log = dir.resolve("redis.log");
        Files.createFile(log);
        ManagedProcess process = ManagedProcess.start("redis-server", command, dir, Map.of(), log);
        try {
          process.awaitCondition("Redis is ready to accept connections", Duration.ofSeconds(30),
              () -> process.logTail().contains("Ready to accept connections"));
          process.awaitPort(port, Duration.ofSeconds(30));
        } catch (AssertionError e) {
          process.close();
          throw e;
        }
        return new RedisServer(process, port, password);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
