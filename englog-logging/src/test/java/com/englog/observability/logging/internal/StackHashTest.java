package com.englog.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ThrowableProxy;
import org.junit.jupiter.api.Test;

class StackHashTest {

  private static StackTraceElement f(String cls, String method, int line) {
    return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", line);
  }

  private static long hash(Throwable t) {
    return StackHash.of(new ThrowableProxy(t));
  }

  private static <T extends Throwable> T with(T t, StackTraceElement... frames) {
    t.setStackTrace(frames);
    return t;
  }

  @Test
  void sameFailureHashesTheSameDespiteMessagesLinesAndGeneratedNames() {
    long a = hash(with(new IllegalStateException("user 1 failed"),
        f("com.x.Service", "save", 10),
        f("com.x.Service$$Lambda$14/0x0000000800c03000", "run", -1),
        f("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0", -2),
        f("com.x.Controller$1", "lambda$post$0", 20)));
    long b = hash(with(new IllegalStateException("user 2 failed"),
        f("com.x.Service", "save", 12),
        f("com.x.Service$$Lambda/0x000001f00a0b1234", "run", -1),
        f("jdk.internal.reflect.GeneratedMethodAccessor7", "invoke", -1),
        f("com.x.Controller$2", "lambda$post$3", 21)));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void differentFailuresHashDifferently() {
    long base = hash(with(new IllegalStateException(), f("com.x.Service", "save", 1)));
    assertThat(hash(with(new IllegalArgumentException(), f("com.x.Service", "save", 1)))).isNotEqualTo(base);
    assertThat(hash(with(new IllegalStateException(), f("com.x.Service", "load", 1)))).isNotEqualTo(base);
    assertThat(hash(with(new IllegalStateException(), f("com.x.Other", "save", 1)))).isNotEqualTo(base);
    IllegalStateException withCause = with(new IllegalStateException(), f("com.x.Service", "save", 1));
    withCause.initCause(with(new java.io.IOException(), f("com.x.Db", "query", 1)));
    assertThat(hash(withCause)).isNotEqualTo(base);
  }

  @Test
  void suppressedExceptionsDoNotChangeTheHash() {
    IllegalStateException plain = with(new IllegalStateException(), f("com.x.Service", "save", 1));
    IllegalStateException suppressing = with(new IllegalStateException(), f("com.x.Service", "save", 1));
    suppressing.addSuppressed(new RuntimeException("close failed"));
    assertThat(hash(suppressing)).isEqualTo(hash(plain));
  }
}
