package com.englog.examples.worker;

/** Placeholder. */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) {
    redis.clients.jedis.RedisClient.class.getName();
  }
}
