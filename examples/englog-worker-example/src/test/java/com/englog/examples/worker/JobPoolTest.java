package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JobPoolTest {

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private final List<String> processed = new CopyOnWriteArrayList<>();

  private final JobPool pool = new JobPool(job -> {
    started.countDown();
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    processed.add(job.journalId());
  }, 1, 2);

  @Test
  void refusesJobsBeyondItsThreadsAndQueue() throws Exception {
    assertThat(pool.offer(job("running"))).isTrue();
    started.await(10, TimeUnit.SECONDS);
    assertThat(pool.offer(job("queued-1"))).isTrue();
    assertThat(pool.offer(job("queued-2"))).isTrue();

    assertThat(pool.offer(job("refused"))).isFalse();
    assertThat(pool.queued()).isEqualTo(2);
    assertThat(pool.awaitRoom(Duration.ZERO)).isFalse();

    release.countDown();
    assertThat(pool.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(processed).containsExactly("running", "queued-1", "queued-2");
  }

  @Test
  void roomComesBackWhenAJobEnds() throws Exception {
    release.countDown();
    for (int i = 0; i < 10; i++) {
      assertThat(pool.offer(job("j-" + i), Duration.ofSeconds(10))).isTrue();
    }
    assertThat(pool.drain(Duration.ofSeconds(10))).isTrue();
    assertThat(processed).hasSize(10);
  }

  @Test
  void takesNothingOnceDraining() throws Exception {
    release.countDown();
    assertThat(pool.drain(Duration.ofSeconds(10))).isTrue();

    assertThat(pool.offer(job("late"))).isFalse();
    assertThat(pool.offer(job("late"), Duration.ofMillis(1))).isFalse();
  }

  @Test
  void drainGivesUpAfterItsTimeAndInterruptsTheRunningJob() throws Exception {
    assertThat(pool.offer(job("stuck"))).isTrue();
    started.await(10, TimeUnit.SECONDS);
    assertThat(pool.offer(job("never-started"))).isTrue();

    assertThat(pool.drain(Duration.ZERO)).isFalse();
    assertThat(pool.awaitRoom(Duration.ofSeconds(10))).as("the interrupted job gave its room back").isTrue();
    assertThat(processed).doesNotContain("never-started");
  }

  private static AiJob job(String journalId) {
    return AiJob.parse("{\"journalId\":\"" + journalId + "\",\"text\":\"x\"}");
  }
}
