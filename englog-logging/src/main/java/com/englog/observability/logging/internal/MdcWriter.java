package com.englog.observability.logging.internal;

import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Writes MDC entries; a reusable consumer so that {@code Map.forEach} walks the MDC without allocating
 * an iterator. Opens the MDC object (when MDC is nested) only if an entry is written.
 */
final class MdcWriter implements BiConsumer<String, String> {

  private final EventWriter writer;
  private final EncodeState st;
  private String trace;
  private String objectName;
  private boolean opened;
  private NameScope scope;

  MdcWriter(EventWriter writer, EncodeState st) {
    this.writer = writer;
    this.st = st;
  }

  void begin(String trace, String objectName) {
    this.trace = trace;
    this.objectName = objectName;
    this.opened = false;
    this.scope = st.scopes[0];
  }

  @Override
  public void accept(String key, String value) {
    if (!writer.keyValues.mdcVisible(key, value, trace)) {
      return;
    }
    if (objectName != null && !opened) {
      st.sink.name(objectName); // reserved: no MDC or key-value name can take it
      st.sink.beginObject();
      scope = st.scopes[1];
      scope.reset(Set.of());
      opened = true;
    }
    writer.keyValues.mdcEntry(st, scope, key, value);
  }

  void end() {
    if (opened) {
      st.sink.endObject();
    }
    trace = null;
  }
}
