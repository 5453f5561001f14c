package com.englog.observability.logging;

/** Exceptions with fixed stack traces, so that encoded output does not depend on test line numbers. */
final class Throwables {

  private Throwables() {}

  /** Frames as {@code class.method(File.java:line)}, {@code (Native Method)} or {@code (Unknown Source)}. */
  static <T extends Throwable> T withFrames(T t, String... frames) {
    StackTraceElement[] stack = new StackTraceElement[frames.length];
    for (int i = 0; i < frames.length; i++) {
      stack[i] = frame(frames[i]);
    }
    t.setStackTrace(stack);
    return t;
  }

  static StackTraceElement frame(String f) {
    int paren = f.indexOf('(');
    String qualified = f.substring(0, paren);
    int dot = qualified.lastIndexOf('.');
    String cls = qualified.substring(0, dot);
    String method = qualified.substring(dot + 1);
    String loc = f.substring(paren + 1, f.length() - 1);
    if (loc.equals("Native Method")) {
      return new StackTraceElement(cls, method, null, -2);
    }
    if (loc.equals("Unknown Source")) {
      return new StackTraceElement(cls, method, null, -1);
    }
    int colon = loc.indexOf(':');
    return colon < 0
        ? new StackTraceElement(cls, method, loc, -1)
        : new StackTraceElement(cls, method, loc.substring(0, colon), Integer.parseInt(loc.substring(colon + 1)));
  }

  /** RuntimeException caused by IllegalStateException caused by IOException, thrown {@code depth} calls down. */
  static RuntimeException chain(int depth) {
    try {
      descend(depth);
      throw new AssertionError("unreachable");
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static void descend(int depth) {
    if (depth > 0) {
      descend(depth - 1);
      return;
    }
    try {
      try {
        throw new java.io.IOException("connection reset by peer");
      } catch (java.io.IOException io) {
        throw new IllegalStateException("AI provider call failed", io);
      }
    } catch (IllegalStateException ise) {
      throw new RuntimeException("summarize task failed", ise);
    }
  }
}
