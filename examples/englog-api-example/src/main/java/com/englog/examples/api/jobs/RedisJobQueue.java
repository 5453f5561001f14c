package com.englog.examples.api.jobs;

import com.englog.examples.api.Peer;
import com.englog.examples.api.web.Json;
import java.io.IOException;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code LPUSH englog:ai-jobs <job>}; the worker takes jobs with {@code BRPOP}. */
public final class RedisJobQueue implements JobQueue {

  /** The list both services agree on. */
  public static final String KEY = "englog:ai-jobs";

  private final UnifiedJedis redis;
  private final Peer peer;

  public RedisJobQueue(UnifiedJedis redis, Peer peer) {
    this.redis = redis;
    this.peer = peer;
  }

  @Override
  public void send(AiJob job) throws IOException {
    String payload = Json.MAPPER.writeValueAsString(job);
    try {
      redis.lpush(KEY, payload);
    } catch (JedisException e) {
      throw new IOException("LPUSH " + KEY + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Peer peer() {
    return peer;
  }
}
