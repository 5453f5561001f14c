package com.englog.observability.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * A stable 64-bit hash of an exception chain, to group occurrences of the same failure: FNV-1a over the
 * exception types and the class and method of each frame of the cause chain. Left out because they
 * change between builds or runs without the failure changing: messages, line numbers, suppressed
 * exceptions, reflection and method-handle plumbing frames ({@code jdk.internal.reflect},
 * {@code sun.reflect}, {@code java.lang.invoke}, dynamic proxies), the generated part of a class name
 * after {@code $$} or {@code /} (lambdas, CGLIB, hidden classes), and digits right after a {@code $}
 * (anonymous classes, synthetic accessors, lambda bodies).
 *
 * <p>The per-name work (normalizing, hashing, the plumbing test) is memoized in a small shared cache:
 * frame names are a few hundred interned strings that recur with every exception.
 */
public final class StackHash {

  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;
  private static final int MAX_CHAIN = 64;
  private static final long PLUMBING = 1L << 32;

  private static final int SETS = 2048;

  private static final class Entry {
    final String key;
    final long value;

    Entry(String key, long value) {
      this.key = key;
      this.value = value;
    }
  }

  // Shared by all threads of an encoder; immutable entries, racy publication is safe (see StringBytesCache).
  private final Entry[] entries = new Entry[SETS * 2];
  private final byte[] victim = new byte[SETS];

  /** Thread-safe; share one per encoder. */
  public StackHash() {}

  /** Hash of the chain starting at {@code top}, without a cache. */
  public static long of(IThrowableProxy top) {
    return new StackHash().hash(top);
  }

  public long hash(IThrowableProxy top) {
    long h = OFFSET;
    int chain = 0;
    for (IThrowableProxy t = top; t != null && chain < MAX_CHAIN; t = t.getCause(), chain++) {
      h = mixInt(h, (int) name(t.getClassName(), false));
      h = mix(h, '\n');
      if (t.isCyclic()) {
        break;
      }
      StackTraceElementProxy[] steps = t.getStackTraceElementProxyArray();
      if (steps == null) {
        continue;
      }
      int own = steps.length - Math.max(0, Math.min(t.getCommonFrames(), steps.length));
      for (int i = 0; i < own; i++) {
        StackTraceElement e = steps[i] == null ? null : steps[i].getStackTraceElement();
        if (e == null) {
          continue;
        }
        long cls = name(e.getClassName(), true);
        if ((cls & PLUMBING) != 0) {
          continue;
        }
        h = mixInt(h, (int) cls);
        h = mix(h, '.');
        h = mixInt(h, (int) name(e.getMethodName(), false));
        h = mix(h, ';');
      }
    }
    return h;
  }

  /** Normalized Java-style string hash in the low 32 bits, PLUMBING flag for class names. */
  private long name(String s, boolean isClass) {
    if (s == null) {
      return '?';
    }
    int jh = s.hashCode();
    int set = (jh ^ (jh >>> 16)) & (SETS - 1);
    int i = set << 1;
    Entry e = entries[i];
    if (e != null && (e.key == s || e.key.equals(s))) {
      return e.value;
    }
    e = entries[i + 1];
    if (e != null && (e.key == s || e.key.equals(s))) {
      return e.value;
    }
    long v = (normalizedHash(s) & 0xffffffffL) | (isClass && isPlumbing(s) ? PLUMBING : 0);
    int way = victim[set];
    entries[i + way] = new Entry(s, v);
    victim[set] = (byte) (way ^ 1);
    return v;
  }

  static boolean isPlumbing(String className) {
    return className.startsWith("jdk.internal.reflect.") || className.startsWith("java.lang.invoke.")
        || className.startsWith("jdk.proxy") || className.startsWith("sun.reflect.")
        || className.startsWith("com.sun.proxy.") || className.contains("$Proxy");
  }

  private static long mix(long h, char c) {
    return (h ^ c) * PRIME;
  }

  private static long mixInt(long h, int v) {
    h = (h ^ (v & 0xff)) * PRIME;
    h = (h ^ ((v >>> 8) & 0xff)) * PRIME;
    h = (h ^ ((v >>> 16) & 0xff)) * PRIME;
    return (h ^ (v >>> 24)) * PRIME;
  }

  /** {@code String.hashCode()} of the name with its generated parts removed. */
  static int normalizedHash(String name) {
    int sh = 0;
    boolean afterDollar = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || (c == '$' && i + 1 < name.length() && name.charAt(i + 1) == '$')) {
        break;
      }
      if (afterDollar && c >= '0' && c <= '9') {
        continue;
      }
      afterDollar = c == '$';
      sh = 31 * sh + c;
    }
    return sh;
  }
}
