package com.englog.observability.logging.internal;

/** Everything one encoding needs that is worth reusing: buffers, scan results, caches. Not thread-safe. */
final class EncodeState implements StackHash.Frames {

  /** A buffer grown past this by a huge event is dropped after use rather than kept. */
  static final int RETAINED_CAPACITY = 64 * 1024;
  static final int INITIAL_CAPACITY = 2048;

  final EventWriter writer;
  final Utf8Output out = new Utf8Output(INITIAL_CAPACITY);
  final LineSink sink;
  /** Renders one value of a cache entry (a frame, a name) in the line's format, away from the line. */
  final LineSink entrySink;
  /** Redactions found while rendering a cache entry; counted at each use of the entry, not here. */
  final int[] entryCounts = new int[Redactor.KINDS];
  final TimestampWriter timestamps = new TimestampWriter();
  final Spans spans = new Spans();
  final int[] counts = new int[Redactor.KINDS];
  final NameScope[] scopes = new NameScope[EncoderSettings.MAX_VALUE_DEPTH + 3];
  final MdcWriter mdcWriter;
  int throwableBudget;
  /** The last trace MDC value found well-formed (the same instance recurs within a span). */
  String lastValidTrace;

  EncodeState(EncoderSettings settings, EventWriter writer) {
    this.writer = writer;
    this.sink = settings.newSink(out, writer.names);
    this.entrySink = settings.newSink(new Utf8Output(256), writer.names);
    for (int i = 0; i < scopes.length; i++) {
      scopes[i] = new NameScope();
    }
    this.mdcWriter = new MdcWriter(writer, this);
  }

  void begin() {
    out.reset();
    counts[0] = 0;
    counts[1] = 0;
    counts[2] = 0;
  }

  @Override
  public FrameCache.Frame frame(StackTraceElement e) {
    return writer.frame(this, e);
  }

  boolean oversized() {
    return out.capacity() > RETAINED_CAPACITY || entrySink.output().capacity() > RETAINED_CAPACITY;
  }
}
