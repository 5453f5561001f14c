package com.englog.examples.api;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps a copy of everything written to {@code System.out} (where the service's logback.xml sends its JSON
 * lines), still passing it on. Install before the service logs its first line.
 */
final class StdoutCapture {

  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  static StdoutCapture install() {
    StdoutCapture capture = new StdoutCapture();
    PrintStream original = System.out;
    System.setOut(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (capture.copy) {
          capture.copy.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (capture.copy) {
          capture.copy.write(b, off, len);
        }
        original.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8));
    return capture;
  }

  /** The lines written so far. */
  List<String> lines() {
    String text;
    synchronized (copy) {
      text = copy.toString(StandardCharsets.UTF_8);
    }
    return Arrays.asList(text.split("\n"));
  }
}
