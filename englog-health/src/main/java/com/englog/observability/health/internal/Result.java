package com.englog.observability.health.internal;

import com.englog.observability.health.Status;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Not public API. One published result of a component: immutable, shared by every reader; as an
 * {@link Evaluation}, the one to use now.
 */
public final class Result implements Evaluation {

  final Status status;
  final String reason;
  final Map<String, Object> details;
  final long durationNanos;
  /** Ticker value when the result was produced, for ages. */
  final long tick;
  final Instant checkedAt;

  Result(Status status, String reason, Map<String, Object> details, long durationNanos, long tick,
      Instant checkedAt) {
    this.status = status;
    this.reason = reason;
    this.details = details;
    this.durationNanos = durationNanos;
    this.tick = tick;
    this.checkedAt = checkedAt;
  }

  Result withReasonAndDetails(String newReason, Map<String, Object> newDetails) {
    return new Result(status, newReason, newDetails, durationNanos, tick, checkedAt);
  }

  @Override
  public Result await() {
    return this;
  }

  @Override
  public Result now() {
    return this;
  }

  @Override
  public CompletableFuture<Result> outcome() {
    return CompletableFuture.completedFuture(this);
  }
}
