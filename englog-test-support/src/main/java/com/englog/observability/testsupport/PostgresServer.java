package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real PostgreSQL (Debian's {@code postgresql}, version 15) on a free loopback port, in a fresh
 * data directory (a {@link ServerDirectory} under the system's temporary directory, removed by {@link
 * #close()}), with its log in {@code target/servers/postgres-*}.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *   PGSimpleDataSource ds = new PGSimpleDataSource();
 *   ds.setUrl(pg.jdbcUrl());
 *   ds.setUser(pg.user());
 *   pg.freeze();   // SIGSTOP to the postmaster and every backend: connections hang
 *   pg.thaw();
 * }
 * }</pre>
 *
 * <p>PostgreSQL refuses to run as root: when the tests run as root (as in CI), the data directory is
 * handed to the {@code postgres} user and {@code initdb} and {@code postgres} run through {@code
 * runuser -u postgres --}. That is why the data directory is not under the checkout: a clone in
 * {@code /root} or in a {@code mktemp -d} folder is a place {@code postgres} cannot enter. The server
 * listens on 127.0.0.1 only; its Unix socket lives in the scratch directory. Authentication is {@code
 * trust} unless a password is set.
 */
public final class PostgresServer extends ScratchServer {

  private static final ExternalTool RUNUSER = ExternalTool.of("runuser", "util-linux");

  private final String password;

  private PostgresServer(ManagedProcess process, ServerDirectory directory, int port, String password) {
    super(process, directory, port);
    this.password = password;
  }

  /** Starts a server with trust authentication. */
  public static PostgresServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code jdbc:postgresql://127.0.0.1:port/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
  }

  /** The superuser, {@code postgres}. */
  public String user() {
    return "postgres";
  }

  /** The superuser's password, or null with trust authentication. */
  public String password() {
    return password;
  }

  /** Stops the server (fast shutdown: clients are disconnected), then cleans up its processes. */
  @Override
  public void close() {
    ManagedProcess process = process();
    if (process.isAlive()) {
      try {
        process.thaw();
        Path pidFile = directory().resolve("data").resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
          String pid = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip();
          ToolRun.run(List.of("kill", "-INT", pid), null, Duration.ofSeconds(10));
          long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
          while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
        }
      } catch (IOException | RuntimeException | AssertionError e) {
        // Fall through to the hard stop.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.close();
  }

  /** Configures and starts a {@link PostgresServer}. */
  public static final class Builder {
    private String password;

    private Builder() {}

    /** Require this password for {@code postgres} (scram-sha-256) instead of trust. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    public PostgresServer start() {
      Path postgres = ExternalTool.POSTGRES.require();
      Path initdb = ExternalTool.INITDB.require();
      boolean root = isRoot();
      List<String> asPostgres = new ArrayList<>();
      if (root) {
        asPostgres.addAll(List.of(RUNUSER.require().toString(), "-u", "postgres", "--"));
      }
      Path logDir = TestEnvironment.scratchDirectory("postgres");
      ServerDirectory scratch = scratchDirectory(root);
      try {
        return start(postgres, initdb, root, asPostgres, scratch, logDir);
      } catch (IOException e) {
        scratch.close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException | AssertionError e) {
        scratch.close();
        throw e;
      }
    }

    private PostgresServer start(Path postgres, Path initdb, boolean root, List<String> asPostgres,
        ServerDirectory scratch, Path logDir) throws IOException {
      Path dir = scratch.path();
      int port = FreePort.next();
      Path socketDir = Files.createDirectories(dir.resolve("sock"));
      List<String> init = new ArrayList<>(asPostgres);
      init.addAll(List.of(initdb.toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
          "-E", "UTF8", "--locale=C", "--no-sync"));
      if (password != null) {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        init.addAll(List.of("-A", "scram-sha-256", "--pwfile=" + pwfile));
      } else {
        init.addAll(List.of("-A", "trust"));
      }
      if (root) {
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      }
      ToolRun initRun = ToolRun.run(init, null, Duration.ofSeconds(120), dir);
      if (initRun.exitCode() != 0) {
        throw new AssertionError("initdb failed: " + initRun.describe());
      }
      List<String> command = new ArrayList<>(asPostgres);
      command.addAll(List.of(postgres.toString(), "-D", dir.resolve("data").toString(),
          "-p", Integer.toString(port),
          "-c", "listen_addresses=127.0.0.1",
          "-c", "unix_socket_directories=" + socketDir,
          "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
          "-c", "shared_buffers=16MB", "-c", "max_connections=40"));
      ManagedProcess process = launch("postgres", command, dir, logDir.resolve("postgres.log"),
          "database system is ready to accept connections", port, Duration.ofSeconds(60));
      return new PostgresServer(process, scratch, port, password);
    }

    /**
     * Where a server's data goes: a directory {@code postgres} can reach when the tests run as root
     * (the server then runs as {@code postgres}), otherwise one of the current user's.
     */
    static ServerDirectory scratchDirectory(boolean root) {
      return ServerDirectory.create("postgres", root ? "postgres" : System.getProperty("user.name"));
    }

    static boolean isRoot() {
      ToolRun id = ToolRun.run(List.of("id", "-u"), null, Duration.ofSeconds(10));
      return id.exitCode() == 0 && "0".equals(id.stdout().strip());
    }

    private static void run(List<String> command) {
      ToolRun run = ToolRun.run(command, null, Duration.ofSeconds(30));
      if (run.exitCode() != 0) {
        throw new AssertionError(run.describe());
      }
    }
  }
}
