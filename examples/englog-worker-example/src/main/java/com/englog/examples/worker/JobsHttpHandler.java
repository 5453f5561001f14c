package com.englog.examples.worker;

import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.CustomCounter;
import com.englog.observability.metrics.Metrics;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code POST /jobs}: the HTTP hand-off the API uses when there is no Redis. 202 when the job is taken,
 * 503 with {@code Retry-After} when the queue is full or the worker is shutting down (counted in
 * {@code englog_worker_jobs_rejected_total}), 400 for a payload that is not a job, 413 past 1 MiB.
 *
 * <p>The job's trace comes from the payload's {@code trace} object, or, when it has none, from the
 * request's own {@code traceparent}/{@code tracestate} headers.
 */
final class JobsHttpHandler implements HttpHandler {

  static final String ROUTE = "/jobs";

  private static final StructuredLogger LOG = StructuredLogger.of(JobsHttpHandler.class);
  private static final String[] TRACE_HEADERS = {"traceparent", "tracestate"};

  private final JobPool pool;
  private final Lifecycle lifecycle;
  private final CustomCounter rejected;

  JobsHttpHandler(JobPool pool, Lifecycle lifecycle, CustomCounter rejected) {
    this.pool = pool;
    this.lifecycle = lifecycle;
    this.rejected = rejected;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    int status;
    try {
      status = answer(exchange);
    } finally {
      exchange.close();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Metrics.recordHttpRequest(exchange.getRequestMethod(), ROUTE, status, elapsed);
    LOG.logRequest(StructuredLogger.RequestLog.builder(exchange.getRequestMethod(), ROUTE, status)
        .duration(elapsed)
        .correlationId(exchange.getRequestHeaders().getFirst("X-Correlation-Id"))
        .clientAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
        .build());
  }

  private int answer(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(ROUTE)) {
      return send(exchange, 404, "{\"error\":\"not found\"}");
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      return send(exchange, 405, "{\"error\":\"use POST\"}");
    }
    byte[] body = readAtMost(exchange.getRequestBody(), AiJob.MAX_PAYLOAD_BYTES);
    if (body == null) {
      rejected.increment("too_large");
      return send(exchange, 413, "{\"error\":\"payload larger than 1 MiB\"}");
    }
    if (lifecycle.isShuttingDown()) {
      rejected.increment("shutting_down");
      exchange.getResponseHeaders().set("Retry-After", "1");
      return send(exchange, 503, "{\"error\":\"shutting down\"}");
    }
    AiJob job;
    try {
      job = AiJob.parse(new String(body, StandardCharsets.UTF_8));
    } catch (AiJob.InvalidJobException e) {
      rejected.increment("invalid");
      return send(exchange, 400, "{\"error\":\"" + e.getMessage() + "\"}");
    }
    if (job.trace().isEmpty()) {
      job = job.withTrace(traceHeaders(exchange));
    }
    if (!pool.offer(job)) {
      rejected.increment("queue_full");
      exchange.getResponseHeaders().set("Retry-After", "1");
      return send(exchange, 503, "{\"error\":\"job queue full\"}");
    }
    return send(exchange, 202, "{\"accepted\":true}");
  }

  private static Map<String, String> traceHeaders(HttpExchange exchange) {
    Map<String, String> headers = new HashMap<>();
    for (String name : TRACE_HEADERS) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return headers;
  }

  /** The body, or null when it is longer than {@code limit}. */
  private static byte[] readAtMost(InputStream in, int limit) throws IOException {
    byte[] body = in.readNBytes(limit + 1);
    return body.length > limit ? null : body;
  }

  private static int send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }
}
