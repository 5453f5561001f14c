package com.englog.examples.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One AI job as the API enqueues it, on the Redis list or in the body of {@code POST /jobs}:
 *
 * <pre>{@code
 * {"journalId":"…","userId":"…","text":"…","enqueuedAt":"2026-01-01T00:00:00Z",
 *  "trace":{"traceparent":"00-…","tracestate":"…"}}
 * }</pre>
 *
 * <p>{@code trace} carries the W3C context of the API's PRODUCER span, so the worker continues that
 * trace across the process boundary.
 */
final class AiJob {

  /** Payloads are a journal's text, not documents: anything larger is refused. */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String journalId;
  private final String userId;
  private final String text;
  private final Optional<Instant> enqueuedAt;
  private final Map<String, String> trace;

  private AiJob(String journalId, String userId, String text, Optional<Instant> enqueuedAt,
      Map<String, String> trace) {
    this.journalId = journalId;
    this.userId = userId;
    this.text = text;
    this.enqueuedAt = enqueuedAt;
    this.trace = trace;
  }

  /**
   * Reads a payload.
   *
   * @throws InvalidJobException when it is not JSON, or {@code journalId} or {@code text} is missing
   */
  static AiJob parse(String payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new InvalidJobException("payload is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidJobException("payload is not a JSON object");
    }
    String journalId = root.path("journalId").asText("");
    if (journalId.isBlank()) {
      throw new InvalidJobException("journalId is missing");
    }
    JsonNode text = root.path("text");
    if (!text.isTextual()) {
      throw new InvalidJobException("text is missing");
    }
    Map<String, String> trace = new HashMap<>();
    for (Map.Entry<String, JsonNode> field : root.path("trace").properties()) {
      if (field.getValue().isTextual()) {
        trace.put(field.getKey(), field.getValue().asText());
      }
    }
    return new AiJob(journalId, root.path("userId").asText(""), text.asText(),
        instant(root.path("enqueuedAt").asText("")), trace);
  }

  String journalId() {
    return journalId;
  }

  /** Empty when the API did not say. */
  String userId() {
    return userId;
  }

  String text() {
    return text;
  }

  Optional<Instant> enqueuedAt() {
    return enqueuedAt;
  }

  /** The W3C trace headers ({@code traceparent}, {@code tracestate}) the API wrote; may be empty. */
  Map<String, String> trace() {
    return trace;
  }

  /** This job with the given trace headers, for a payload that arrived without its own. */
  AiJob withTrace(Map<String, String> headers) {
    return new AiJob(journalId, userId, text, enqueuedAt, Map.copyOf(headers));
  }

  private static Optional<Instant> instant(String value) {
    try {
      return value.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "AiJob{journalId=" + journalId + "}";
  }

  /** A payload the worker cannot use; it is logged and dropped, never retried. */
  static final class InvalidJobException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidJobException(String message) {
      super(message);
    }
  }
}
