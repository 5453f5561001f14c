package com.englog.observability.logging.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A small lock-free pool of encoding states, striped by thread. Cheaper than a ThreadLocal for virtual
 * threads (one state per pool slot, not per thread) and bounded: at most {@code slots} states are kept.
 */
final class StatePool {

  private final AtomicReferenceArray<EncodeState> slots;
  private final int mask;
  private final Supplier<EncodeState> factory;

  StatePool(int slots, Supplier<EncodeState> factory) {
    int n = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(n);
    this.mask = n - 1;
    this.factory = factory;
  }

  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+; ids are only a stripe hint
  private int home() {
    long id = Thread.currentThread().getId();
    return (int) (id ^ (id >>> 16)) & mask;
  }

  EncodeState acquire() {
    int h = home();
    EncodeState s = slots.getAndSet(h, null);
    if (s == null) {
      s = slots.getAndSet((h + 1) & mask, null);
    }
    return s != null ? s : factory.get();
  }

  void release(EncodeState s) {
    if (s.oversized()) {
      return; // let a huge buffer go; the next acquire creates a fresh, small state
    }
    int h = home();
    if (!slots.compareAndSet(h, null, s)) {
      slots.compareAndSet((h + 1) & mask, null, s);
    }
  }
}
