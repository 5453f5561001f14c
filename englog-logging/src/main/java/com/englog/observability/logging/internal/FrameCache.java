package com.englog.observability.logging.internal;

/**
 * Stack frames as the encoder needs them, by content (class, method, file, line): the frame's encoded
 * and redacted value, and its contribution to the stack hash. Frames are a few hundred code locations
 * that recur with every exception, so each is rendered, scanned and hashed once and then written with
 * one probe and one copy. Holds strings only, never a {@code Class}, so it pins no class loader.
 */
final class FrameCache extends TwoWayCache<FrameCache.Frame> {

  /** Frames whose encoded value is longer are rendered at each use, so the cache stays small. */
  static final int MAX_BYTES = 1024;

  /** One code location. {@link #key} is the class name. */
  static final class Frame extends TwoWayCache.Entry {
    final String method;
    final String file;
    final int line;
    /** Normalized class name hash in the high half, method name hash in the low half. */
    final long hashBits;
    /** Reflection or proxy plumbing: not part of the stack hash. */
    final boolean plumbing;
    /** The value as the encoder's format writes it (null in frames made for hashing only, never cached). */
    final byte[] bytes;
    final int credentials;
    final int pii;

    Frame(StackTraceElement e, byte[] bytes, int credentials, int pii) {
      super(e.getClassName());
      this.method = e.getMethodName();
      this.file = e.getFileName();
      this.line = e.getLineNumber();
      this.hashBits = StackHash.frameBits(key, method);
      this.plumbing = StackHash.isPlumbing(key);
      this.bytes = bytes;
      this.credentials = credentials;
      this.pii = pii;
    }

    boolean is(String cls, String m, String f, int l) {
      return line == l && hasKey(cls) && (method == m || method.equals(m))
          && (file == f || (file != null && file.equals(f)));
    }
  }

  FrameCache() {
    super(1024);
  }

  static int hash(String cls, String method, String file, int line) {
    int h = cls.hashCode() * 31 + method.hashCode();
    h = h * 31 + (file == null ? 0 : file.hashCode());
    return h * 31 + line;
  }

  /** The cached frame equal to {@code e}, or null. */
  Frame get(StackTraceElement e) {
    String cls = e.getClassName();
    String method = e.getMethodName();
    String file = e.getFileName();
    int line = e.getLineNumber();
    int slot = slot(hash(cls, method, file, line));
    Frame f = at(slot);
    if (f != null && f.is(cls, method, file, line)) {
      return f;
    }
    f = at(slot + 1);
    return f != null && f.is(cls, method, file, line) ? f : null;
  }

  Frame put(Frame f) {
    return put(hash(f.key, f.method, f.file, f.line), f);
  }

  /** The text of a frame: {@code com.example.Foo.bar(Foo.java:42)}, as the JDK prints it without module. */
  static String text(StackTraceElement e) {
    StringBuilder sb = new StringBuilder(96).append(e.getClassName()).append('.').append(e.getMethodName());
    String file = e.getFileName();
    if (e.isNativeMethod()) {
      sb.append("(Native Method)");
    } else if (file == null) {
      sb.append("(Unknown Source)");
    } else {
      sb.append('(').append(file);
      if (e.getLineNumber() >= 0) {
        sb.append(':').append(e.getLineNumber());
      }
      sb.append(')');
    }
    return sb.toString();
  }
}
