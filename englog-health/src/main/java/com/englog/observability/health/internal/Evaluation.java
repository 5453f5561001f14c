package com.englog.observability.health.internal;

import java.util.concurrent.CompletableFuture;

/**
 * Not public API. What a component answers when asked for its health: either a {@link Result} to use
 * now (fresh, served while a refresh runs, shown through the open circuit breaker, or a placeholder
 * such as "not checked yet") or a {@link Pending} check, started or joined by the asking call, to
 * wait for. Each kind says itself how to wait for it; the one caller that tests which kind it holds
 * is {@code Group.status()}, so that the cached answer of a probe allocates nothing.
 */
sealed interface Evaluation permits Result, Evaluation.Pending {

  /** The result, waiting for a pending check until its deadline (plus a little grace) at most. */
  Result await();

  /** The result without waiting: a pending check counts with the component's last result. */
  Result now();

  /**
   * The future result, completed by the check or at its deadline (a pending check already past its
   * deadline on the runtime's time source is timed out here).
   */
  CompletableFuture<Result> outcome();

  /** A check in flight that the caller started or joined. */
  record Pending(ComponentRuntime.Run run) implements Evaluation {

    @Override
    public Result await() {
      return run.await();
    }

    @Override
    public Result now() {
      return run.resultOrLast();
    }

    @Override
    public CompletableFuture<Result> outcome() {
      return run.outcomeByDeadline();
    }
  }
}
