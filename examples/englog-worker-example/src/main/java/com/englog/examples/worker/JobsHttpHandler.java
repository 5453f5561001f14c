package com.englog.examples.worker;

import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.CustomCounter;
import com.englog.observability.metrics.LabelValues;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.tracing.Spans;
import com.englog.observability.tracing.Tracing;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.HttpAttributes;
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
 * request's own {@code traceparent}/{@code tracestate} headers. The request itself is a SERVER span
 * {@code POST /jobs} of the caller's trace; the job, processed later on a pool thread, is a CONSUMER
 * span of the job's trace.
 */
final class JobsHttpHandler implements HttpHandler {

  static final String ROUTE = "/jobs";

  private static final StructuredLogger LOG = StructuredLogger.of(JobsHttpHandler.class);
  private static final String[] TRACE_HEADERS = {"traceparent", "tracestate"};

  private final Tracing tracing;
  private final JobPool pool;
  private final Lifecycle lifecycle;
  private final CustomCounter rejected;

  JobsHttpHandler(Tracing tracing, JobPool pool, Lifecycle lifecycle, CustomCounter rejected) {
    this.tracing = tracing;
    this.pool = pool;
    this.lifecycle = lifecycle;
    this.rejected = rejected;
  }

  /**
   * Answers one request inside a SERVER span that continues the caller's trace (the request's W3C
   * headers); the request's metric and its {@code http_request} log line are written in that span, so
   * they carry its trace id (an exemplar, the log line's {@code trace_id}).
   */
  @Override
  @SuppressWarnings("try")   // the scope is used for its side effect: the span is current inside it
  public void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    Context parent = tracing.extractHeaders(exchange.getRequestHeaders());
    Span span = tracing.startServerSpan(method + " " + ROUTE, parent,
        Attributes.of(HttpAttributes.HTTP_REQUEST_METHOD, method, HttpAttributes.HTTP_ROUTE, ROUTE));
    try (Scope scope = span.storeInContext(parent).makeCurrent()) {
      int status = answer(exchange);
      span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
      if (status >= 500) {
        Spans.markFailure(span, Integer.toString(status));   // the job queue is full, or shutting down
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      // The route, never the raw path; a path under /jobs that is not /jobs has none.
      String route = status == 404 ? LabelValues.NOT_FOUND : ROUTE;
      Metrics.recordHttpRequest(method, route, status, elapsed);
      LOG.logRequest(StructuredLogger.RequestLog.builder(method, route, status)
          .duration(elapsed)
          .correlationId(exchange.getRequestHeaders().getFirst("X-Correlation-Id"))
          .clientAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
          .build());
    } catch (IOException | RuntimeException e) {
      Spans.markFailure(span, e);
      throw e;
    } finally {
      span.end();
      exchange.close();
    }
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
