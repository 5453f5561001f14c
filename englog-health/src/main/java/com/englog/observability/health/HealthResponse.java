package com.englog.observability.health;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** What the {@link HealthHandler} answers: status code, content type and a JSON body. */
public final class HealthResponse {

  /** Always {@code application/json; charset=utf-8}. */
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private final int statusCode;
  private final byte[] body;
  private final boolean head;

  HealthResponse(int statusCode, byte[] body, boolean head) {
    this.statusCode = statusCode;
    this.body = body;
    this.head = head;
  }

  /** 200, 503, 404, 405. */
  public int statusCode() {
    return statusCode;
  }

  public String contentType() {
    return CONTENT_TYPE;
  }

  /**
   * Headers every response should carry besides the content type: health is never cached by
   * proxies. Name/value pairs.
   */
  public String[] headers() {
    return new String[] {"Cache-Control", "no-store"};
  }

  /** Body length in bytes (0 for HEAD). */
  public int bodyLength() {
    return head ? 0 : body.length;
  }

  /**
   * The {@code Content-Length} header to send: the length of the GET answer's body, also for HEAD,
   * which sends the headers GET would send without the body (RFC 9110, section 9.3.2).
   */
  public int contentLength() {
    return body.length;
  }

  /** Writes the body (nothing for HEAD). */
  public void writeBody(OutputStream out) throws IOException {
    if (!head) {
      out.write(body);
    }
  }

  /** The body as text (tests, logs). */
  public String bodyAsString() {
    return head ? "" : new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return statusCode + " " + bodyAsString();
  }
}
