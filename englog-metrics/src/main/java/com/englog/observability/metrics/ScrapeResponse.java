package com.englog.observability.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * What the {@link ScrapeEndpoint} answers: status code, content type, the other headers, and a body.
 * An adapter copies all of it to its response, in any order, and adds nothing:
 *
 * <pre>{@code
 * ScrapeResponse r = endpoint.handle(request);
 * response.setStatus(r.statusCode());
 * response.setContentType(r.contentType());
 * response.setContentLengthLong(r.contentLength());
 * r.headers().forEach(response::setHeader);
 * r.writeBody(response.getOutputStream());
 * }</pre>
 *
 * <p>For {@code HEAD} the headers, {@code Content-Length} included, are those {@code GET} would get,
 * and {@link #writeBody} writes nothing.
 */
public final class ScrapeResponse {

  private final int statusCode;
  private final String contentType;
  private final Map<String, String> headers;
  private final byte[] body;
  private final int length;
  private final boolean head;

  ScrapeResponse(int statusCode, String contentType, Map<String, String> headers, byte[] body,
      int length, boolean head) {
    this.statusCode = statusCode;
    this.contentType = contentType;
    this.headers = headers;
    this.body = body;
    this.length = length;
    this.head = head;
  }

  /** 200, 401 (no or wrong token), 405 (not GET or HEAD), or 500 (the registry failed to render). */
  public int statusCode() {
    return statusCode;
  }

  /** The {@code Content-Type}, with version and charset. */
  public String contentType() {
    return contentType;
  }

  /**
   * Every header besides {@code Content-Type} and {@code Content-Length}, by name in canonical case:
   * {@code Cache-Control} always; {@code Vary} and, when compressed, {@code Content-Encoding} on a
   * scrape; {@code Allow} on 405; {@code WWW-Authenticate} on 401. Unmodifiable.
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * The {@code Content-Length}: the length of the body as sent (compressed when {@code
   * Content-Encoding} is gzip), also for {@code HEAD}, which sends no body.
   */
  public int contentLength() {
    return length;
  }

  /** Writes the body as sent (nothing for {@code HEAD}), without copying it. */
  public void writeBody(OutputStream out) throws IOException {
    if (!head) {
      out.write(body, 0, length);
    }
  }

  /** A copy of the body as sent: gzip bytes when compressed, empty for {@code HEAD} (tests). */
  public byte[] body() {
    return head ? new byte[0] : Arrays.copyOf(body, length);
  }

  @Override
  public String toString() {
    return statusCode + " " + contentType + " " + headers + " (" + length + " bytes"
        + (head ? ", HEAD" : "") + ")";
  }

  /** UTF-8 bytes of a short plain-text body. */
  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
