package com.englog.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.util.List;

/** An appender keeping what its encoder wrote in memory; public for logback.xml in tests. */
public class CapturingAppender extends OutputStreamAppender<ILoggingEvent> {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Override
  public void start() {
    setOutputStream(bytes);
    setImmediateFlush(true);
    super.start();
  }

  public byte[] bytes() {
    streamWriteLock.lock();
    try {
      return bytes.toByteArray();
    } finally {
      streamWriteLock.unlock();
    }
  }

  List<com.fasterxml.jackson.databind.JsonNode> lines() {
    return Lines.parseAll(bytes());
  }

  public void clear() {
    streamWriteLock.lock();
    try {
      bytes.reset();
    } finally {
      streamWriteLock.unlock();
    }
  }
}
