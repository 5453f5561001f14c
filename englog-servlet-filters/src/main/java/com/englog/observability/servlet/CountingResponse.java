package com.englog.observability.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the body bytes a response sends, for the access log's {@code bytes_out} when the service turned
 * counting on. Everything else goes to the container's response unchanged; non-blocking output
 * ({@code isReady}, {@code setWriteListener}) works as before. Text written through {@link #getWriter()}
 * is counted in bytes of the response's character encoding (UTF-8 or a single-byte charset).
 */
final class CountingResponse extends HttpServletResponseWrapper {

  private final LongAdder bytes = new LongAdder();
  private ServletOutputStream stream;
  private PrintWriter writer;

  CountingResponse(HttpServletResponse response) {
    super(response);
  }

  long bytesWritten() {
    return bytes.sum();
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    ServletOutputStream out = super.getOutputStream();
    if (stream == null) {
      stream = new CountingStream(out, bytes);
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    PrintWriter w = super.getWriter();
    if (writer == null) {
      String encoding = getCharacterEncoding();
      boolean utf8 = encoding == null || StandardCharsets.UTF_8.name().equalsIgnoreCase(encoding)
          || "utf8".equalsIgnoreCase(encoding);
      writer = new PrintWriter(new CountingWriter(w, bytes, utf8), false);
    }
    return writer;
  }

  private static final class CountingStream extends ServletOutputStream {
    private final ServletOutputStream out;
    private final LongAdder bytes;

    CountingStream(ServletOutputStream out, LongAdder bytes) {
      this.out = out;
      this.bytes = bytes;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytes.increment();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      bytes.add(len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      out.setWriteListener(listener);
    }
  }

  private static final class CountingWriter extends Writer {
    private final PrintWriter out;
    private final LongAdder bytes;
    private final boolean utf8;

    CountingWriter(PrintWriter out, LongAdder bytes, boolean utf8) {
      this.out = out;
      this.bytes = bytes;
      this.utf8 = utf8;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      out.write(cbuf, off, len);
      bytes.add(utf8 ? utf8Length(cbuf, off, len) : len);
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      out.write(str, off, len);
      bytes.add(utf8 ? utf8Length(str, off, len) : len);
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      out.close();
    }

    private static long utf8Length(CharSequence s, int off, int len) {
      long n = 0;
      for (int i = off; i < off + len; i++) {
        n += utf8Length(s.charAt(i), i + 1 < off + len ? s.charAt(i + 1) : 0);
        if (Character.isHighSurrogate(s.charAt(i)) && i + 1 < off + len
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        }
      }
      return n;
    }

    private static long utf8Length(char[] c, int off, int len) {
      return utf8Length(java.nio.CharBuffer.wrap(c, off, len), 0, len);
    }

    private static int utf8Length(char c, char next) {
      if (c < 0x80) {
        return 1;
      }
      if (c < 0x800) {
        return 2;
      }
      if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
        return 4;
      }
      return 3;
    }
  }
}
