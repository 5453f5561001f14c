package com.englog.examples.api.summaries;

import com.englog.examples.api.Peer;
import com.englog.examples.api.web.Json;
import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Calls the AI provider's {@code POST /v1/summarize}. One {@code traceAiProcessing} call gives the CLIENT
 * span ({@code "summarize simulated"}) and, through the tracing listener, the AI duration and error
 * metrics; the W3C headers let the provider continue the trace.
 */
public final class AiClient {

  /** {@code gen_ai.provider.name} and the {@code provider} label. */
  public static final String PROVIDER = "simulated";
  /** {@code englog.ai.task_type} and the {@code task_type} label. */
  public static final String TASK = "summarize";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final StructuredLogger LOG = StructuredLogger.of(AiClient.class);

  private final HttpClient http;
  private final URI summarizeUri;
  private final Peer peer;
  private final Tracing tracing;

  public AiClient(HttpClient http, URI aiUrl, Tracing tracing) {
    this.http = http;
    this.summarizeUri = aiUrl.resolve("/v1/summarize");
    this.peer = Peer.of("englog-ai-provider", aiUrl);
    this.tracing = tracing;
  }

  /** The summary of {@code text}; {@link AiProviderException} on an error status. */
  public Summary summarize(String text) throws IOException {
    long start = System.nanoTime();
    try {
      Summary summary = tracing.traceAiProcessing(TASK, PROVIDER, () -> call(text));
      LOG.logAiProcessing(TASK, PROVIDER, Duration.ofNanos(System.nanoTime() - start), null);
      return summary;
    } catch (IOException e) {
      LOG.logAiProcessing(TASK, PROVIDER, Duration.ofNanos(System.nanoTime() - start), e);
      throw e;
    }
  }

  private Summary call(String text) throws IOException {
    Span span = Span.current(); // the helper's CLIENT span
    peer.describe(span);
    HttpRequest.Builder request = HttpRequest.newBuilder(summarizeUri)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(Map.of("text", text))));
    tracing.inject(request, HttpRequest.Builder::header);
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the AI provider");
    }
    if (response.statusCode() != 200) {
      throw new AiProviderException(response.statusCode());
    }
    Summary summary = Json.MAPPER.readValue(response.body(), Summary.class);
    span.setAttribute("gen_ai.usage.output_tokens", summary.tokens());
    return summary;
  }
}
