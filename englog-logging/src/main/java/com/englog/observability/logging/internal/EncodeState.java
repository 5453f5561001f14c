package com.englog.observability.logging.internal;

/** Everything one encoding needs that is worth reusing: buffers, scan results, caches. Not thread-safe. */
final class EncodeState {

  /** A buffer grown past this by a huge event is dropped after use rather than kept. */
  static final int RETAINED_CAPACITY = 64 * 1024;
  static final int INITIAL_CAPACITY = 2048;

  final Utf8Output out = new Utf8Output(INITIAL_CAPACITY);
  final LineSink sink;
  final TimestampWriter timestamps = new TimestampWriter();
  final Spans spans = new Spans();
  final StringBuilder scratch = new StringBuilder(256);
  final int[] counts = new int[Redactor.KINDS];
  final NameScope[] scopes = new NameScope[EncoderSettings.MAX_VALUE_DEPTH + 3];
  final MdcWriter mdcWriter;
  int throwableBudget;
  /** The last trace MDC value found well-formed (the same instance recurs within a span). */
  String lastValidTrace;

  EncodeState(EncoderSettings settings, EventWriter writer) {
    this.sink = settings.newSink(out, writer.names);
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

  boolean oversized() {
    return out.capacity() > RETAINED_CAPACITY || scratch.capacity() > RETAINED_CAPACITY;
  }
}
