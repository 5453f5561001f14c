package com.englog.examples.worker;

import com.englog.observability.metrics.CustomCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Takes jobs from the Redis list the API pushes to ({@code LPUSH englog:ai-jobs}) with {@code BRPOP
 * englog:ai-jobs 1}, one thread, only while the {@link JobPool} has room, so a busy worker leaves jobs
 * in Redis rather than in its own memory.
 *
 * <p>Redis going away (or answering errors) does not stop the loop: it retries every second, logs one
 * WARN when the outage starts and one INFO when Redis works again, never a line per attempt. (The idle {@code BRPOP}s get no
 * span: an empty poll every second would be a trace every second; a job's CONSUMER span is what
 * matters.)
 */
final class RedisJobConsumer implements AutoCloseable {

  /** The list the API pushes to. */
  static final String QUEUE_KEY = "englog:ai-jobs";

  private static final Logger LOG = LoggerFactory.getLogger(RedisJobConsumer.class);
  private static final int BRPOP_TIMEOUT_SECONDS = 1;
  private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
  private static final Duration HAND_OFF_WAIT = Duration.ofSeconds(5);

  private final RedisClient redis;
  private final String address;
  private final JobPool pool;
  private final CustomCounter rejected;
  private final Thread thread;
  private volatile boolean running = true;
  private Instant outageSince;   // only touched by the consumer thread

  RedisJobConsumer(RedisClient redis, String address, JobPool pool, CustomCounter rejected) {
    this.redis = redis;
    this.address = address;
    this.pool = pool;
    this.rejected = rejected;
    this.thread = new Thread(this::run, "englog-worker-redis");
  }

  void start() {
    thread.start();
  }

  /** Stops taking jobs: the current {@code BRPOP} ends within its one-second timeout. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(Duration.ofSeconds(BRPOP_TIMEOUT_SECONDS + 4).toMillis());
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }

  @Override
  public void close() {
    redis.close();
  }

  private void run() {
    while (running) {
      try {
        if (!pool.awaitRoom(RETRY_INTERVAL)) {
          continue;
        }
        List<String> popped = redis.brpop(BRPOP_TIMEOUT_SECONDS, QUEUE_KEY);
        reachable();
        if (popped != null && popped.size() == 2) {
          handOff(popped.get(1));
        }
      } catch (JedisException e) {
        unreachable(e);
        pause();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void handOff(String payload) throws InterruptedException {
    AiJob job;
    try {
      job = AiJob.parse(payload);
    } catch (AiJob.InvalidJobException e) {
      rejected.increment("invalid");
      LOG.warn("dropped a job from {}: {}", QUEUE_KEY, e.getMessage());
      return;
    }
    if (!pool.offer(job, HAND_OFF_WAIT)) {
      // Shutting down (or the HTTP hand-off took the room): back where BRPOP takes the next job from.
      redis.rpush(QUEUE_KEY, payload);
      LOG.info("returned the job for journal {} to {}", job.journalId(), QUEUE_KEY);
    }
  }

  private void reachable() {
    if (outageSince != null) {
      LOG.info("Redis at {} works again after {} s; taking jobs from {}", address,
          Duration.between(outageSince, Instant.now()).toSeconds(), QUEUE_KEY);
      outageSince = null;
    }
  }

  private void unreachable(JedisException e) {
    if (outageSince == null) {
      outageSince = Instant.now();
      LOG.warn("Redis at {} failed ({}: {}); retrying every {} s, one line when it works again",
          address, e.getClass().getSimpleName(), e.getMessage(), RETRY_INTERVAL.toSeconds());
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
