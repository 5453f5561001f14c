package com.englog.observability.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a recording receiver got, in arrival order, and the wait for more: shared by {@link
 * HttpRecorder} and {@link SmtpRecorder}, which differ only in what they record.
 *
 * @param <T> one recorded item (a request, a mail)
 */
final class Arrivals<T> {

  private final String noun;
  private final List<T> items = new ArrayList<>();

  /** @param noun plural of what is recorded, for failure messages ("requests", "mails") */
  Arrivals(String noun) {
    this.noun = noun;
  }

  synchronized void add(T item) {
    items.add(item);
    notifyAll();
  }

  synchronized List<T> snapshot() {
    return new ArrayList<>(items);
  }

  /** Waits until at least {@code count} items matching {@code filter} arrived; fails after {@code timeout}. */
  synchronized List<T> await(int count, Predicate<? super T> filter, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<T> matching = new ArrayList<>();
      for (T item : items) {
        if (filter.test(item)) {
          matching.add(item);
        }
      }
      if (matching.size() >= count) {
        return matching;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("expected " + count + " matching " + noun + " within " + timeout
            + ", got " + matching.size() + "; all " + noun + ": " + items);
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
