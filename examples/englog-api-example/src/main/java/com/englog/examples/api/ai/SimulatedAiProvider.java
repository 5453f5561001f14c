package com.englog.examples.api.ai;

import com.englog.examples.api.web.Json;
import com.englog.observability.tracing.Spans;
import com.englog.observability.tracing.Tracing;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for a hosted LLM API, small enough to read in one go: {@code POST /v1/summarize} answers
 * after a configurable latency, or fails with a configurable probability, so the AI latency and error
 * alerts can be driven from a terminal ({@code PUT /control}). Each summarize request continues the
 * caller's trace in a SERVER span, so API → provider (and worker → provider) is one trace.
 */
public final class SimulatedAiProvider implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedAiProvider.class);
  private static final String SUMMARIZE = "/v1/summarize";
  private static final int SUMMARY_WORDS = 12;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Tracing tracing;
  private volatile Control control = new Control(200, 0.0);

  /** Latency of every summarize answer, and the share of them that fail. */
  record Control(long latencyMs, double failureRate) {}

  private SimulatedAiProvider(HttpServer server, ExecutorService executor, Tracing tracing) {
    this.server = server;
    this.executor = executor;
    this.tracing = tracing;
  }

  /** Starts the provider on {@code bind:port} (0: a free port). */
  public static SimulatedAiProvider start(String bind, int port, Tracing tracing) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    // Requests sleep through their latency: one thread each, up to a bound.
    ExecutorService executor = Executors.newFixedThreadPool(32);
    SimulatedAiProvider provider = new SimulatedAiProvider(server, executor, tracing);
    server.setExecutor(executor);
    server.createContext(SUMMARIZE, provider::summarize);
    server.createContext("/health", exchange -> respond(exchange, 200, Map.of("status", "UP")));
    server.createContext("/control", provider::control);
    server.start();
    return provider;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Sets latency and failure rate, as {@code PUT /control} does. */
  public void control(long latencyMs, double failureRate) {
    if (latencyMs < 0 || !(failureRate >= 0.0 && failureRate <= 1.0)) {
      throw new IllegalArgumentException("latencyMs must be >= 0 and failureRate in [0.0, 1.0]");
    }
    control = new Control(latencyMs, failureRate);
    LOG.info("Control: latency {} ms, failure rate {}", latencyMs, failureRate);
  }

  @SuppressWarnings("try") // the scope only has to be open while the span starts
  private void summarize(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, Map.of("error", "POST only"));
      return;
    }
    Attributes attributes = Attributes.of(HttpAttributes.HTTP_REQUEST_METHOD, "POST",
        HttpAttributes.HTTP_ROUTE, SUMMARIZE, UrlAttributes.URL_PATH, SUMMARIZE);
    // The caller's traceparent is the parent of this SERVER span.
    try (Scope caller = tracing.extractHeaders(exchange.getRequestHeaders()).makeCurrent()) {
      tracing.inSpan("POST " + SUMMARIZE, SpanKind.SERVER, attributes, () -> answer(exchange));
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    Control now = control;
    String text;
    try (InputStream in = exchange.getRequestBody()) {
      JsonNode body = Json.MAPPER.readTree(in.readNBytes(1024 * 1024));
      text = body == null ? "" : body.path("text").asText("");
    } catch (JacksonException e) {
      status(respond(exchange, 400, Map.of("error", "malformed JSON")));
      return;
    }
    sleep(now.latencyMs());
    if (ThreadLocalRandom.current().nextDouble() < now.failureRate()) {
      int failure = ThreadLocalRandom.current().nextBoolean() ? 500 : 503;
      LOG.warn("Injected failure: HTTP {}", failure);
      status(respond(exchange, failure, Map.of("error", "simulated provider failure")));
      return;
    }
    String[] words = text.strip().split("\\s+");
    String summary = String.join(" ", Arrays.copyOf(words, Math.min(words.length, SUMMARY_WORDS)));
    LOG.info("Summarized {} words", words.length);
    status(respond(exchange, 200, Map.of("summary", summary, "tokens", Math.min(words.length, SUMMARY_WORDS))));
  }

  private static void status(int status) {
    Span span = Span.current();
    span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 500) {
      Spans.markFailure(span, Integer.toString(status));
    }
  }

  private void control(HttpExchange exchange) throws IOException {
    if ("PUT".equals(exchange.getRequestMethod())) {
      try (InputStream in = exchange.getRequestBody()) {
        JsonNode body = Json.MAPPER.readTree(in.readNBytes(64 * 1024));
        Control current = control;
        control(body.path("latencyMs").asLong(current.latencyMs()),
            body.path("failureRate").asDouble(current.failureRate()));
      } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
        respond(exchange, 400, Map.of("error", "expected {\"latencyMs\":N,\"failureRate\":0.0..1.0}"));
        return;
      }
    } else if (!"GET".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, Map.of("error", "GET or PUT"));
      return;
    }
    Control current = control;
    respond(exchange, 200, Map.of("latencyMs", current.latencyMs(), "failureRate", current.failureRate()));
  }

  private static int respond(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
    return status;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops answering (requests in flight get a second), then stops the threads. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}
