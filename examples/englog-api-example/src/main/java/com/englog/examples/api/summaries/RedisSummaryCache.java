package com.englog.examples.api.summaries;

import com.englog.examples.api.Peer;
import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.semconv.DbAttributes;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Summaries in Redis for a day. Each command is a CLIENT span ({@code GET}, {@code SET … EX}) with the
 * database conventions' attributes and the peer; a Redis failure degrades to a miss, never to an error.
 */
public final class RedisSummaryCache implements SummaryCache {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSummaryCache.class);
  private static final Duration TTL = Duration.ofDays(1);

  private final UnifiedJedis redis;
  private final Tracing tracing;
  private final Attributes getAttributes;
  private final Attributes setAttributes;

  public RedisSummaryCache(UnifiedJedis redis, Peer peer, Tracing tracing) {
    this.redis = redis;
    this.tracing = tracing;
    this.getAttributes = attributes(peer, "GET");
    this.setAttributes = attributes(peer, "SET");
  }

  private static Attributes attributes(Peer peer, String operation) {
    return peer.addTo(Attributes.builder())
        .put(DbAttributes.DB_SYSTEM_NAME, "redis")
        .put(DbAttributes.DB_OPERATION_NAME, operation)
        .build();
  }

  @Override
  public String type() {
    return "redis";
  }

  @Override
  public Optional<String> get(String key) {
    try {
      return Optional.ofNullable(tracing.inSpan("GET", SpanKind.CLIENT, getAttributes, () -> redis.get(key)));
    } catch (JedisException e) {
      LOG.warn("Redis GET failed, treating it as a cache miss: {}", e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void put(String key, String summary) {
    try {
      tracing.inSpan("SET", SpanKind.CLIENT, setAttributes,
          () -> redis.set(key, summary, SetParams.setParams().ex(TTL.toSeconds())));
    } catch (JedisException e) {
      LOG.warn("Redis SET failed, summary not cached: {}", e.getMessage());
    }
  }
}
