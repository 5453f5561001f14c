package com.englog.observability.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * A stable 64-bit hash of an exception chain, to group occurrences of the same failure: over the
 * exception types and the class and method of each frame of the cause chain. Left out because they
 * change between builds or runs without the failure changing: messages, line numbers, suppressed
 * exceptions, reflection and method-handle plumbing frames ({@code jdk.internal.reflect},
 * {@code sun.reflect}, {@code java.lang.invoke}, dynamic proxies), the generated part of a class name
 * after {@code $$} or {@code /} (lambdas, CGLIB, hidden classes), and digits right after a {@code $}
 * (anonymous classes, synthetic accessors, lambda bodies).
 *
 * <p>Each name is reduced to its normalized {@code String.hashCode()}; a frame's two names form one
 * 64-bit word, mixed in with one multiplication. The per-frame words are computed once per distinct
 * frame by {@link FrameCache}.
 */
public final class StackHash {

  /** Where the words of the frames come from: the encoder's cache, or computed on the spot. */
  interface Frames {
    FrameCache.Frame frame(StackTraceElement e);
  }

  private static final int MAX_CHAIN = 64;
  private static final long SEED = 0x6a09e667f3bcc908L;
  private static final long MULTIPLIER = 0x9e3779b97f4a7c15L;
  /** Marks a type word, so that a type and a frame with the same names differ. */
  private static final long TYPE = 0x0f0f0f0f00000000L;

  private StackHash() {}

  /** Hash of the chain starting at {@code top}, without a cache. */
  public static long of(IThrowableProxy top) {
    return hash(top, e -> new FrameCache.Frame(e, null, 0, 0));
  }

  static long hash(IThrowableProxy top, Frames frames) {
    long h = SEED;
    int chain = 0;
    for (IThrowableProxy t = top; t != null && chain < MAX_CHAIN; t = t.getCause(), chain++) {
      String type = t.getClassName();
      h = mix(h, TYPE ^ ((type == null ? 0L : normalizedHash(type)) & 0xffffffffL));
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
        if (e != null) {
          FrameCache.Frame f = frames.frame(e);
          if (!f.plumbing) {
            h = mix(h, f.hashBits);
          }
        }
      }
    }
    // Final avalanche (MurmurHash3's fmix64), so that every bit of the result depends on every word.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static long mix(long h, long word) {
    h = (h ^ word) * MULTIPLIER;
    return h ^ (h >>> 29);
  }

  /** The word of a frame: normalized class name hash, then method name hash. */
  static long frameBits(String className, String methodName) {
    return ((long) normalizedHash(className) << 32) | (normalizedHash(methodName) & 0xffffffffL);
  }

  static boolean isPlumbing(String className) {
    return className.startsWith("jdk.internal.reflect.") || className.startsWith("java.lang.invoke.")
        || className.startsWith("jdk.proxy") || className.startsWith("sun.reflect.")
        || className.startsWith("com.sun.proxy.") || className.contains("$Proxy");
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
