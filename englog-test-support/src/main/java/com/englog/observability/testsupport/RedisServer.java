package com.englog.observability.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
public final class RedisServer extends ScratchServer {

  private final String password;
  private final boolean tls;

  private RedisServer(ManagedProcess process, Path directory, int port, String password, boolean tls) {
    super(process, directory, port);
    this.password = password;
    this.tls = tls;
  }

  /** Starts a server without authentication. */
  public static RedisServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@code requirepass} password, or null. */
  public String password() {
    return password;
  }

  /** Whether the port speaks TLS only ({@link Builder#tls(SelfSignedCertificate)}). */
  public boolean tls() {
    return tls;
  }

  /** Configures and starts a {@link RedisServer}. */
  public static final class Builder {
    private String password;
    private SelfSignedCertificate certificate;

    private Builder() {}

    /** Require this password ({@code requirepass}). */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Serve TLS only (Redis's {@code tls-port}; the plain port is off) with this certificate; clients
     * are not asked for certificates.
     */
    public Builder tls(SelfSignedCertificate certificate) {
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    public RedisServer start() {
      Path binary = ExternalTool.REDIS_SERVER.require();
      Path dir = TestEnvironment.scratchDirectory("redis");
      int port = FreePort.next();
      List<String> command = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--loglevel", "notice"));
      if (certificate == null) {
        command.addAll(List.of("--port", Integer.toString(port)));
      } else {
        command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
            "--tls-cert-file", certificate.certificatePem().toString(),
            "--tls-key-file", certificate.privateKeyPem().toString(),
            "--tls-ca-cert-file", certificate.certificatePem().toString(),
            "--tls-auth-clients", "no"));
      }
      if (password != null) {
        command.addAll(List.of("--requirepass", password));
      }
      ManagedProcess process = launch("redis-server", command, dir, "redis.log",
          "Ready to accept connections", port, Duration.ofSeconds(30));
      return new RedisServer(process, dir, port, password, certificate != null);
    }
  }
}
