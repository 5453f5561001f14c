package com.englog.observability.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * The exception part of a line: type, redacted message, stack hash, frames (through a cache of their
 * redacted bytes), causes and suppressed exceptions within the event's throwable budget. Thread-safe;
 * per-call state is the caller's {@link EncodeState}.
 */
final class ThrowableWriter {

  private static final int E_TYPE = 0;
  private static final int E_MESSAGE = 1;
  private static final int E_STACK_HASH = 2;
  private static final int E_FRAMES = 3;
  private static final int E_FRAMES_OMITTED = 4;
  private static final int E_FRAMES_COMMON = 5;
  private static final int E_CIRCULAR = 6;
  private static final int E_CAUSE = 7;
  private static final int E_CAUSE_OMITTED = 8;
  private static final int E_SUPPRESSED = 9;
  private static final int E_SUPPRESSED_OMITTED = 10;

  private final EventWriter writer;
  private final EncoderSettings settings;
  private final FieldName[] err;
  private final FrameCache frames = new FrameCache();

  ThrowableWriter(EventWriter writer, LineSink proto) {
    this.writer = writer;
    this.settings = writer.settings;
    err = new FieldName[EncoderSettings.ERROR_FIELDS.size()];
    for (int i = 0; i < err.length; i++) {
      err[i] = proto.name(EncoderSettings.ERROR_FIELDS.get(i), FieldName.OTHER);
    }
  }

  void write(EncodeState st, IThrowableProxy tp, boolean top) {
    LineSink k = st.sink;
    EncoderSettings s = settings;
    k.beginObject();
    k.name(err[E_TYPE]);
    writer.nameValue(st, tp.getClassName(), true);
    String message = tp.getMessage();
    if (message != null) {
      k.name(err[E_MESSAGE]);
      writer.redacted(st, message, s.maxFieldLength);
    }
    if (top && s.stackHash) {
      k.name(err[E_STACK_HASH]);
      k.beginString();
      k.partHex(StackHash.hash(tp, st));
      k.endString();
    }
    if (tp.isCyclic()) {
      k.name(err[E_CIRCULAR]);
      k.boolValue(true);
      k.endObject();
      return;
    }
    StackTraceElementProxy[] steps = tp.getStackTraceElementProxyArray();
    int total = steps == null ? 0 : steps.length;
    int common = Math.max(0, Math.min(tp.getCommonFrames(), total));
    int own = total - common;
    int shown = Math.min(own, s.maxStackFrames);
    if (shown > 0) {
      k.name(err[E_FRAMES]);
      frames(st, steps, shown);
    }
    if (shown < own) {
      k.name(err[E_FRAMES_OMITTED]);
      k.longValue(own - shown);
    }
    if (common > 0) {
      k.name(err[E_FRAMES_COMMON]);
      k.longValue(common);
    }
    IThrowableProxy cause = tp.getCause();
    if (cause != null) {
      if (st.throwableBudget > 0 && k.depth() < LineSink.MAX_DEPTH - 4) {
        st.throwableBudget--;
        k.name(err[E_CAUSE]);
        write(st, cause, false);
      } else {
        k.name(err[E_CAUSE_OMITTED]);
        k.boolValue(true);
      }
    }
    IThrowableProxy[] suppressed = tp.getSuppressed();
    if (suppressed != null && suppressed.length > 0) {
      int written = 0;
      if (st.throwableBudget > 0 && k.depth() < LineSink.MAX_DEPTH - 4) {
        k.name(err[E_SUPPRESSED]);
        k.beginArray();
        for (IThrowableProxy sup : suppressed) {
          if (st.throwableBudget <= 0) {
            break;
          }
          if (sup == null) {
            continue;
          }
          st.throwableBudget--;
          k.element();
          write(st, sup, false);
          written++;
        }
        k.endArray();
      }
      if (written < suppressed.length) {
        k.name(err[E_SUPPRESSED_OMITTED]);
        k.longValue(suppressed.length - written);
      }
    }
    k.endObject();
  }

  /** The hot loop of an exception, in a method of its own so that it compiles on its own. */
  private void frames(EncodeState st, StackTraceElementProxy[] steps, int shown) {
    LineSink k = st.sink;
    int[] counts = st.counts;
    k.beginArray();
    for (int i = 0; i < shown; i++) {
      k.element();
      StackTraceElement e = steps[i] == null ? null : steps[i].getStackTraceElement();
      if (e == null) {
        k.nullValue();
      } else {
        FrameCache.Frame f = frame(st, e);
        k.encodedValue(f.bytes);
        counts[Redactor.CREDENTIAL] += f.credentials;
        counts[Redactor.PII] += f.pii;
      }
    }
    k.endArray();
  }

  /**
   * The cached form of a frame, rendered on first sight. Frames are text like any other: a script
   * engine's frame names the script's URL, a generated class may carry one in its name.
   */
  FrameCache.Frame frame(EncodeState st, StackTraceElement e) {
    FrameCache.Frame f = frames.get(e);
    if (f == null) {
      byte[] bytes = writer.entry(st, FrameCache.text(e));
      f = new FrameCache.Frame(e, bytes, st.entryCounts[Redactor.CREDENTIAL], st.entryCounts[Redactor.PII]);
      if (bytes.length <= FrameCache.MAX_BYTES) { // a freak frame (a huge generated name) is not kept
        frames.put(f);
      }
    }
    return f;
  }
}
