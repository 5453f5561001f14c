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
import org.jspecify.annotations.Nullable;

/**
 * The response as the rest of the chain sees it. Its output stream reports a write that fails because
 * the client went away to the request's {@link Observation}, so the request is recorded as 499 with
 * {@code error.type} even when the application catches the exception and ends the request itself: a
 * blocking servlet that swallows it, or an asynchronous writer that completes, on which Jetty 12 tells
 * the request's listeners nothing. When the service turned counting on it also counts the body bytes,
 * for the access log's {@code bytes_out}; text written through {@link #getWriter()} is then counted in
 * bytes of the response's character encoding (UTF-8 or a single-byte charset). Everything else goes to
 * the container's response unchanged; non-blocking output ({@code isReady}, {@code setWriteListener})
 * works as before.
 *
 * <p>A writer from {@link #getWriter()} is the container's (or, when counting, one over it). A
 * {@link PrintWriter} keeps write failures to itself ({@code checkError()}, which flushes), so a failure
 * there is seen only when the container reports it or the exception reaches the filter.
 */
final class ObservedResponse extends HttpServletResponseWrapper {

  private final Observation observation;
  private final @Nullable LongAdder bytes;
  private @Nullable ServletOutputStream stream;
  private @Nullable PrintWriter writer;

  ObservedResponse(HttpServletResponse response, Observation observation, boolean count) {
    super(response);
    this.observation = observation;
    this.bytes = count ? new LongAdder() : null;
  }

  /** Body bytes written so far, or -1 when not counting. */
  long bytesWritten() {
    LongAdder b = bytes;
    return b == null ? -1 : b.sum();
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    ServletOutputStream out = super.getOutputStream();
    if (stream == null) {
      stream = new ObservedStream(out);
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    PrintWriter w = super.getWriter();
    LongAdder b = bytes;
    if (b == null) {
      return w;
    }
    if (writer == null) {
      writer = new PrintWriter(new CountingWriter(w, b, isUtf8(getCharacterEncoding())), false);
    }
    return writer;
  }

  private static boolean isUtf8(@Nullable String encoding) {
    return encoding == null || StandardCharsets.UTF_8.name().equalsIgnoreCase(encoding)
        || "utf8".equalsIgnoreCase(encoding);
  }

  /**
   * The container's stream: failures reported to the observation, bytes counted when counting. Text
   * ({@code print}, {@code println}) goes to the container's own {@code print}, which encodes it as
   * that container does (Jetty in the response's charset); counted as the writer counts it.
   */
  private final class ObservedStream extends ServletOutputStream {
    private final ServletOutputStream out;

    ObservedStream(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void print(@Nullable String s) throws IOException {
      try {
        out.print(s);
      } catch (IOException e) {
        throw reported(e);
      }
      if (bytes != null) {
        String text = s == null ? "null" : s;
        bytes.add(isUtf8(getCharacterEncoding()) ? utf8Length(text, 0, text.length()) : text.length());
      }
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw reported(e);
      }
      if (bytes != null) {
        bytes.increment();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw reported(e);
      }
      if (bytes != null) {
        bytes.add(len);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw reported(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        throw reported(e);
      }
    }

    /** Tells the observation about a failed write; returns {@code e} for the caller to rethrow. */
    private IOException reported(IOException e) {
      observation.writeFailed(e);
      return e;
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
