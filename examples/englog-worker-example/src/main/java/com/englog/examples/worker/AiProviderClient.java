package com.englog.examples.worker;

import com.englog.observability.tracing.Tracing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Calls the AI provider's {@code POST /v1/summarize} over HTTP, inside a CLIENT span that continues
 * the job's trace: the W3C headers of that span go out with the request, so the provider's own span
 * joins the same trace. The span's end also records {@code englog_ai_processing_*} (see {@link
 * AiCallObserver}).
 */
final class AiProviderClient {

  /** The {@code task_type} label and span name part. */
  static final String TASK_TYPE = "summarize";
  /** The {@code provider} label: the simulated provider of the examples. */
  static final String PROVIDER = "simulated";
  /** Lets a trace store draw the dependency map (worker → AI provider). */
  static final String PEER_SERVICE = "englog-ai-provider";

  // peer.service is still in the incubating semantic conventions; the key is all we need from them.
  private static final AttributeKey<String> PEER_SERVICE_KEY = AttributeKey.stringKey("peer.service");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Tracing tracing;
  private final HttpClient http;
  private final URI summarizeUri;

  AiProviderClient(Tracing tracing, URI baseUri) {
    this.tracing = tracing;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.summarizeUri = baseUri.resolve("/v1/summarize");
  }

  /** A summary of {@code text}, or the provider's failure (an {@link AiProviderException} for an error status). */
  Summary summarize(String text) throws IOException {
    return tracing.traceAiProcessing(TASK_TYPE, PROVIDER, () -> {
      Span span = Span.current();
      span.setAttribute(ServerAttributes.SERVER_ADDRESS, summarizeUri.getHost());
      span.setAttribute(ServerAttributes.SERVER_PORT, (long) port(summarizeUri));
      span.setAttribute(PEER_SERVICE_KEY, PEER_SERVICE);

      HttpRequest.Builder request = HttpRequest.newBuilder(summarizeUri)
          .timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("text", text))));
      tracing.inject(request, HttpRequest.Builder::header);   // traceparent, tracestate

      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {   // shutdown ran past the drain time
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("AI call interrupted");
      }
      if (response.statusCode() != 200) {
        throw new AiProviderException(response.statusCode());
      }
      JsonNode body = JSON.readTree(response.body());
      Summary summary = new Summary(body.path("summary").asText(""), body.path("tokens").asLong(0));
      span.setAttribute(OUTPUT_TOKENS, summary.tokens());
      return summary;
    });
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** What the provider answered. */
  record Summary(String text, long tokens) {}
}
