package com.englog.observability.health;

import com.englog.observability.health.internal.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A Redis server, checked with {@code PING} over a plain socket (RESP), so no Redis client library is
 * needed: UP on {@code +PONG}, DOWN with the server's error ({@code -LOADING}, {@code -NOAUTH}…),
 * DOWN when the connection is refused or nothing answers before the deadline.
 *
 * <pre>{@code
 * .add("redis", RedisHealthIndicator.builder("127.0.0.1", 6379)
 *     .password(Secret.fromFile(Path.of("/run/secrets/redis-password")))
 *     .build())
 * }</pre>
 *
 * <p>Each check opens a new connection with connect and read timeouts set to the time left before
 * the deadline, and the runtime closes the socket if the deadline passes anyway. TLS is not
 * supported (use a lambda indicator over your client for TLS endpoints).
 */
public final class RedisHealthIndicator implements HealthIndicator {

  /** Longest reply line read; longer replies are not Redis. */
  private static final int MAX_LINE = 512;
  private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

  private final String host;
  private final int port;
  private final String username;
  private final Secret password;

  private RedisHealthIndicator(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.username = b.username;
    this.password = b.password;
  }

  /** A server without authentication. */
  public static RedisHealthIndicator of(String host, int port) {
    return builder(host, port).build();
  }

  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  @Override
  public Health check(HealthCheckContext context) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      context.onAbort(socket::close);
      socket.connect(new InetSocketAddress(host, port), timeoutMillis(context));
      socket.setSoTimeout(timeoutMillis(context));
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      if (password != null) {
        Optional<String> secret = password.value();
        if (secret.isEmpty()) {
          return Health.down("Redis password unavailable from " + password).build();
        }
        out.write(username == null ? command("AUTH", secret.get()) : command("AUTH", username, secret.get()));
        out.flush();
        String reply = readLine(in, context);
        if (!reply.startsWith("+")) {
          return Health.down("Redis refused AUTH: " + errorText(reply)).build();
        }
      }
      out.write(PING);
      out.flush();
      String reply = readLine(in, context);
      long latencyMs = (System.nanoTime() - start) / 1_000_000;
      if ("+PONG".equals(reply)) {
        return Health.up().detail("address", host + ":" + port).detail("latencyMs", latencyMs).build();
      }
      return Health.down("Redis replied to PING: " + errorText(reply))
          .detail("address", host + ":" + port).build();
    }
  }

  private static int timeoutMillis(HealthCheckContext context) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, context.remaining().toMillis()));
  }

  private static String readLine(InputStream in, HealthCheckContext context) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(16);
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("Redis closed the connection without a reply");
        }
        if (b == '\r') {
          int n = in.read();
          if (n == '\n') {
            return line.toString(StandardCharsets.UTF_8);
          }
          throw new IOException("malformed Redis reply (CR without LF)");
        }
        if (line.size() >= MAX_LINE) {
          throw new IOException("Redis reply longer than " + MAX_LINE + " bytes; is this a Redis server?");
        }
        line.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException("no reply from Redis within " + context.deadline().toMillis() + " ms");
    }
  }

  private static String errorText(String reply) {
    return Reasons.cut(reply.startsWith("-") ? reply.substring(1) : "unexpected reply \"" + reply + "\"");
  }

  private static byte[] command(String... parts) {
    StringBuilder sb = new StringBuilder().append('*').append(parts.length).append("\r\n");
    for (String p : parts) {
      sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisHealthIndicator{" + host + ":" + port + "}";
  }

  /** Builds a {@link RedisHealthIndicator}. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String username;
    private Secret password;

    private Builder(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
      }
      this.port = port;
    }

    /** Authenticate with {@code AUTH password} (Redis {@code requirepass}). */
    public Builder password(Secret password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Authenticate as an ACL user: {@code AUTH username password}. */
    public Builder user(String username, Secret password) {
      this.username = Objects.requireNonNull(username, "username");
      return password(password);
    }

    public RedisHealthIndicator build() {
      return new RedisHealthIndicator(this);
    }
  }
}
