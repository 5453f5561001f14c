package com.englog.observability.logging;

/**
 * Told about redactions as they happen, for example to feed a metric or raise a security alert.
 *
 * <p>Called once per encoded event and kind with a non-zero count, on the thread that encodes: the
 * logging thread behind a synchronous appender, the worker thread behind {@code AsyncAppender}. It must
 * be fast, must not block, must not log (that would recurse into the encoder) and must not throw; an
 * exception is counted and ignored.
 */
@FunctionalInterface
public interface RedactionListener {

  /** A listener that does nothing. */
  static RedactionListener noop() {
    return (kind, count) -> { };
  }

  void onRedaction(RedactionKind kind, int count);
}
