package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.AcceptHeader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link PrometheusMeterRegistry} for a scrape, independent of any HTTP server: the
 * {@code Accept} header goes in, a status, content type and body come out. OpenMetrics 1.0 is served
 * when the client prefers it (Prometheus does by default; exemplars exist only there), Prometheus text
 * 0.0.4 otherwise — including for a missing or malformed header.
 *
 * <pre>{@code
 * ScrapeHandler scrape = metrics.scrapeHandler();
 * ScrapeHandler.Response r = scrape.handle(request.getHeader("Accept"));
 * response.setStatus(r.status());
 * response.setContentType(r.contentType());
 * r.writeTo(response.getOutputStream());
 * }</pre>
 *
 * <p>Thread-safe. It knows nothing of HTTP beyond {@code Accept}: {@link ScrapeEndpoint} adds the
 * rules of a scrape endpoint (authentication, methods, compression, caching headers) on top.
 */
public final class ScrapeHandler {

  /** Content type of the Prometheus text format. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** Content type of the OpenMetrics text format. */
  public static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private static final int MIN_BUFFER = 4096;
  private static final System.Logger LOG = System.getLogger(ScrapeHandler.class.getName());

  private final PrometheusMeterRegistry registry;
  private volatile int lastSize = MIN_BUFFER;

  private ScrapeHandler(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A handler for {@code registry}. */
  public static ScrapeHandler of(PrometheusMeterRegistry registry) {
    return new ScrapeHandler(Objects.requireNonNull(registry, "registry"));
  }

  /** The content type served for {@code accept} (null allowed). */
  public static String negotiate(@Nullable String accept) {
    return AcceptHeader.prefersOpenMetrics(accept) ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
  }

  /**
   * Renders the registry in the format {@code accept} asks for. Never throws: a failing scrape answers
   * 500 with a one-line plain-text reason.
   */
  public Response handle(@Nullable String accept) {
    String contentType = negotiate(accept);
    // Sized from the previous scrape so the body is written without regrowing and copying.
    Buffer out = new Buffer(Math.max(MIN_BUFFER, lastSize + lastSize / 8));
    try {
      registry.scrape(out, contentType);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "metrics scrape failed", e);
      byte[] body = ("scrape failed: " + e.getClass().getName() + "\n").getBytes(StandardCharsets.UTF_8);
      return new Response(500, "text/plain; charset=utf-8", body, body.length);
    }
    lastSize = out.size();
    return new Response(200, contentType, out.array(), out.size());
  }

  /** A rendered scrape. */
  public static final class Response {
    private final int status;
    private final String contentType;
    private final byte[] buffer;
    private final int length;

    Response(int status, String contentType, byte[] buffer, int length) {
      this.status = status;
      this.contentType = contentType;
      this.buffer = buffer;
      this.length = length;
    }

    /** 200, or 500 when rendering failed. */
    public int status() {
      return status;
    }

    /** The content type, with version and charset. */
    public String contentType() {
      return contentType;
    }

    /** Body length in bytes. */
    public int length() {
      return length;
    }

    /** A copy of the body. */
    public byte[] body() {
      return Arrays.copyOf(buffer, length);
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    /** The buffer holding the body in its first {@link #length()} bytes; not copied. */
    byte[] buffer() {
      return buffer;
    }

    /** Writes the body without copying it. */
    public void writeTo(OutputStream out) throws IOException {
      out.write(buffer, 0, length);
    }
  }

  private static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }
}
