package com.englog.observability.testsupport;

import java.util.concurrent.CountDownLatch;

/** Waiting on latches from code that must not give up when interrupted, such as a stuck check. */
public final class Latches {

  private Latches() {}

  /** Waits until the latch is open, through interrupts, and then leaves the thread interrupted if it was. */
  public static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
