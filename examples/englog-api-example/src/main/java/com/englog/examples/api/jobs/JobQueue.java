package com.englog.examples.api.jobs;

import com.englog.examples.api.Peer;
import java.io.IOException;

/** Where AI jobs go: a Redis list, or the worker's {@code POST /jobs} when there is no Redis. */
public interface JobQueue {

  /** Hands {@code job} over; fails when the queue did not take it. */
  void send(AiJob job) throws IOException;

  /** The queue as the enqueue span names it. */
  Peer peer();
}
