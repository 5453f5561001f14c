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
 */
public final class StackHash {

  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;
  private static final int MAX_CHAIN = 64;

  private StackHash() {}

  public static long of(IThrowableProxy top) {
    long h = OFFSET;
    int chain = 0;
    for (IThrowableProxy t = top; t != null && chain < MAX_CHAIN; t = t.getCause(), chain++) {
      h = mixName(h, t.getClassName());
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
        if (e == null || isPlumbing(e.getClassName())) {
          continue;
        }
        h = mixName(h, e.getClassName());
        h = mix(h, '.');
        h = mixName(h, e.getMethodName());
        h = mix(h, ';');
      }
    }
    return h;
  }

  static boolean isPlumbing(String className) {
    if (className.isEmpty()) {
      return false;
    }
    switch (className.charAt(0)) {
      case 'j':
        return className.startsWith("jdk.internal.reflect.") || className.startsWith("java.lang.invoke.")
            || className.startsWith("jdk.proxy");
      case 's':
        return className.startsWith("sun.reflect.");
      case 'c':
        if (className.startsWith("com.sun.proxy.")) {
          return true;
        }
        break;
      default:
        break;
    }
    return className.indexOf('$') >= 0 && className.contains("$Proxy");
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

  /**
   * Mixes the Java string hash of the normalized name. Names that need no normalization (no '$', no
   * '/') use {@code String.hashCode()}, which the JVM caches in the (shared) class and method name
   * strings, so hashing a frame usually costs two cached lookups, not a pass over its characters.
   */
  private static long mixName(long h, String name) {
    if (name == null) {
      return mix(h, '?');
    }
    if (name.indexOf('$') < 0 && name.indexOf('/') < 0) {
      return mixInt(h, name.hashCode());
    }
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
    return mixInt(h, sh);
  }
}
