package com.englog.examples.api;

import com.englog.observability.common.Secret;
import com.englog.observability.health.RedisHealthIndicator;
import java.net.URI;
import java.util.Optional;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The Redis of {@code ENGLOG_EXAMPLE_REDIS_URL}: a pooled client, the peer its spans name, its health check. */
final class RedisConnection implements AutoCloseable {

  /** A frozen Redis costs a request this long, then the cache misses or the hand-off fails. */
  private static final int TIMEOUT_MS = 1000;

  private final UnifiedJedis client;
  private final Peer peer;
  private final Optional<Secret> password;

  private RedisConnection(UnifiedJedis client, Peer peer, Optional<Secret> password) {
    this.client = client;
    this.peer = peer;
    this.password = password;
  }

  /** The configured Redis, or empty without {@code ENGLOG_EXAMPLE_REDIS_URL}. Connects lazily. */
  static Optional<RedisConnection> of(ApiConfig config) {
    if (config.redisUrl().isEmpty()) {
      return Optional.empty();
    }
    URI url = config.redisUrl().get();
    Peer peer = Peer.of("redis", url.getHost(), url.getPort() != -1 ? url.getPort() : 6379);
    Optional<Secret> password = config.redisPasswordFile().map(Secret::fromFile);
    DefaultJedisClientConfig.Builder settings = DefaultJedisClientConfig.builder()
        .clientName(ApiConfig.SERVICE_NAME)
        .connectionTimeoutMillis(TIMEOUT_MS)
        .socketTimeoutMillis(TIMEOUT_MS);
    password.flatMap(Secret::value).ifPresent(settings::password);
    UnifiedJedis client = RedisClient.builder()
        .hostAndPort(url.getHost(), peer.port())
        .clientConfig(settings.build())
        .build();
    return Optional.of(new RedisConnection(client, peer, password));
  }

  UnifiedJedis client() {
    return client;
  }

  Peer peer() {
    return peer;
  }

  /** {@code PING} with the same password, within the health check's deadline. */
  RedisHealthIndicator healthIndicator() {
    RedisHealthIndicator.Builder check = RedisHealthIndicator.builder(peer.address().orElseThrow(), peer.port());
    password.ifPresent(check::password);
    return check.build();
  }

  @Override
  public void close() {
    client.close();
  }
}
