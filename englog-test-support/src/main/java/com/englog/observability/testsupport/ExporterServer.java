package com.englog.observability.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real Prometheus exporter from Debian (node, blackbox, postgres, redis …) on a free loopback port,
 * for tests that check what it really exposes.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start();
 *      ExporterServer exporter = ExporterServer.builder(ExternalTool.REDIS_EXPORTER)
 *          .flag("--redis.addr=redis://127.0.0.1:" + redis.port())
 *          .start()) {
 *   String exposition = exporter.scrape();
 * }
 * }</pre>
 *
 * <p>The exporter listens on {@code 127.0.0.1:<free port>} through {@code --web.listen-address=} (the flag
 * every exporter of the Prometheus project and redis_exporter understand); its log is in a scratch
 * directory under {@code target/servers/}.
 */
public final class ExporterServer extends LoopbackServer {

  private ExporterServer(String name, ManagedProcess process, int port, Path directory) {
    super(name, process, port, directory, null);
  }

  /** An exporter started from {@code binary} (e.g. {@link ExternalTool#NODE_EXPORTER}). */
  public static Builder builder(ExternalTool binary) {
    return new Builder(Objects.requireNonNull(binary, "binary"));
  }

  /** The text of {@code GET pathAndQuery} (e.g. blackbox_exporter's {@code /probe?target=…}); fails unless 200. */
  public String fetch(String pathAndQuery) {
    return getText(pathAndQuery);
  }

  /** Builds the command line and starts the exporter. */
  public static final class Builder {
    private final ExternalTool binary;
    private final List<String> flags = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(ExternalTool binary) {
      this.binary = binary;
    }

    /** A command line flag, e.g. {@code --config.file=blackbox.yml}. */
    public Builder flag(String flag) {
      flags.add(Objects.requireNonNull(flag, "flag"));
      return this;
    }

    /** An environment variable, e.g. postgres_exporter's {@code DATA_SOURCE_NAME}. */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Starts the exporter and waits until {@code /metrics} answers. */
    public ExporterServer start() {
      Path program = binary.require();
      Path dir = TestEnvironment.scratchDirectory(binary.name());
      int port = FreePort.next();
      List<String> command = new ArrayList<>();
      command.add(program.toString());
      command.add("--web.listen-address=127.0.0.1:" + port);
      command.addAll(flags);
      return new ExporterServer(binary.name(),
          startReady(binary.name(), command, dir, environment, port, "/metrics", null), port, dir);
    }
  }
}
