package com.englog.observability.health;

import com.englog.observability.common.Secret;
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
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

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
 * the deadline, and the runtime closes the socket if the deadline passes anyway. With {@link
 * Builder#tls()} the check speaks TLS and verifies that the server's certificate is valid for the
 * host name or address given.
 */
public final class RedisHealthIndicator implements HealthIndicator {

  /** Longest reply line read; longer replies are not Redis. */
  private static final int MAX_LINE = 512;
  private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

  private final String host;
  private final int port;
  private final String username;
  private final Secret password;
  private final SSLSocketFactory tls;

  private RedisHealthIndicator(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.username = b.username;
    this.password = b.password;
    this.tls = b.tls;
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
      // Closing the plain socket also unblocks a TLS handshake or read layered on it.
      context.onAbort(socket::close);
      socket.connect(new InetSocketAddress(host, port), timeoutMillis(context));
      socket.setSoTimeout(timeoutMillis(context));
      socket.setTcpNoDelay(true);
      try (Socket connection = tls == null ? socket : handshake(socket, context)) {
        return ping(connection, context, start);
      }
    }
  }

  /** TLS over the connected socket, verifying the server's certificate and that it is for {@code host}. */
  private Socket handshake(Socket socket, HealthCheckContext context) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, port, true);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.setSSLParameters(parameters);
    ssl.setSoTimeout(timeoutMillis(context));
    try {
      ssl.startHandshake();
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException("no TLS handshake with Redis within " + context.deadline().toMillis() + " ms");
    }
    return ssl;
  }

  private Health ping(Socket connection, HealthCheckContext context, long start) throws IOException {
    OutputStream out = connection.getOutputStream();
    InputStream in = connection.getInputStream();
    if (password != null) {
      Optional<String> secret = password.value();
      if (secret.isEmpty()) {
        return Health.down("Redis password unavailable from " + password).build();
      }
      out.write(username == null ? command("AUTH", secret.get()) : command("AUTH", username, secret.get()));
      out.flush();
      String reply = firstReply(in, context);
      if (!reply.startsWith("+")) {
        return Health.down("Redis refused AUTH: " + errorText(reply)).build();
      }
    }
    out.write(PING);
    out.flush();
    String reply = password == null ? firstReply(in, context) : readLine(in, context);
    long latencyMs = (System.nanoTime() - start) / 1_000_000;
    if ("+PONG".equals(reply)) {
      Health.Builder up = Health.up().detail("address", host + ":" + port).detail("latency_ms", latencyMs);
      return (tls == null ? up : up.detail("tls", true)).build();
    }
    return Health.down("Redis replied to PING: " + errorText(reply))
        .detail("address", host + ":" + port).build();
  }

  /** The first reply line; a plain connection dropped without one is most likely a TLS-only port. */
  private String firstReply(InputStream in, HealthCheckContext context) throws IOException {
    try {
      return readLine(in, context);
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      if (tls != null) {
        throw e;
      }
      throw new IOException(Reasons.describe(e) + "; if the server only speaks TLS, build the indicator "
          + "with tls()", e);
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
    return "RedisHealthIndicator{" + (tls == null ? "" : "tls ") + host + ":" + port + "}";
  }

  /** Builds a {@link RedisHealthIndicator}. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String username;
    private Secret password;
    private SSLSocketFactory tls;

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

    /**
     * Speak TLS (Redis's {@code tls-port}, managed Redis services), trusting the JVM's default trust
     * store; the server's certificate must be valid for {@code host}.
     */
    public Builder tls() {
      return tls((SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /**
     * Speak TLS with this socket factory, e.g. {@code sslContext.getSocketFactory()} of a context with
     * your own trust store or a client certificate; the server's certificate must be valid for {@code
     * host}.
     */
    public Builder tls(SSLSocketFactory factory) {
      this.tls = Objects.requireNonNull(factory, "factory");
      return this;
    }

    public RedisHealthIndicator build() {
      return new RedisHealthIndicator(this);
    }
  }
}
