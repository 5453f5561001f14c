package com.englog.observability.testsupport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on loopback: what Jaeger, Tempo or the OpenTelemetry Collector would
 * receive, decoded with the {@code opentelemetry-proto} messages so tests assert on the wire format.
 *
 * <pre>{@code
 * try (OtlpHttpReceiver otlp = OtlpHttpReceiver.start()) {
 *   Tracing tracing = Tracing.builder().property("otel.exporter.otlp.endpoint", otlp.endpoint()).build();
 *   ...
 *   List<ReceivedSpan> spans = otlp.awaitSpans(3, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>It answers {@code 200} with an empty {@code ExportTraceServiceResponse}. Faults are switched
 * while running: {@link #respondWith(int)} (e.g. 500), {@link #hang()} (requests are accepted and
 * recorded but never answered until {@link #release()} or {@link #close()}). A receiver that refuses
 * connections needs no class: a {@link FreePort#next()} port with nothing listening.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  /** The OTLP/HTTP path for traces. */
  public static final String TRACES_PATH = "/v1/traces";

  private static final byte[] OK_BODY = ExportTraceServiceResponse.getDefaultInstance().toByteArray();

  private final HttpRecorder recorder;

  private OtlpHttpReceiver(HttpRecorder recorder) {
    this.recorder = recorder;
  }

  /** Starts a receiver on a free port of 127.0.0.1. */
  public static OtlpHttpReceiver start() {
    return new OtlpHttpReceiver(
        HttpRecorder.start().respondWith(200, "application/x-protobuf", OK_BODY));
  }

  /**
   * Starts an HTTPS receiver on a free port of 127.0.0.1 presenting {@code certificate} (made for
   * {@code 127.0.0.1}); with {@code trustedClient} non-null it requires mutual TLS with that client
   * certificate. An exporter that does not trust {@code certificate} (or, under mutual TLS, presents no
   * trusted client certificate) fails the handshake and nothing is recorded.
   */
  public static OtlpHttpReceiver startHttps(SelfSignedCertificate certificate, SelfSignedCertificate trustedClient) {
    return new OtlpHttpReceiver(
        HttpRecorder.startHttps(certificate.serverContext(trustedClient), trustedClient != null)
            .respondWith(200, "application/x-protobuf", OK_BODY));
  }

  /**
   * The base endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it: {@code http://127.0.0.1:port}
   * ({@code https://} for {@link #startHttps}).
   */
  public String endpoint() {
    String uri = recorder.uri("/").toString();
    return uri.substring(0, uri.length() - 1);
  }

  /** The full traces URI, as {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} takes it. */
  public URI tracesUri() {
    return recorder.uri(TRACES_PATH);
  }

  public int port() {
    return recorder.port();
  }

  /** Answer later exports with {@code status} (an empty protobuf body). */
  public OtlpHttpReceiver respondWith(int status) {
    recorder.respondWith(status, "application/x-protobuf", status == 200 ? OK_BODY : new byte[0]);
    return this;
  }

  /** Accept and record later exports but never answer them, until {@link #release()} or {@link #close()}. */
  public OtlpHttpReceiver hang() {
    recorder.hang();
    return this;
  }

  /** Answer the exports held by {@link #hang()} and stop hanging. */
  public OtlpHttpReceiver release() {
    recorder.release();
    return this;
  }

  /** How many export requests arrived (answered or not). */
  public int requestCount() {
    return recorder.requests().size();
  }

  /** The raw requests, for header assertions (content type, compression, auth headers). */
  public List<RecordedRequest> requests() {
    return recorder.requests();
  }

  /** Every export request received so far, decoded. */
  public List<ExportTraceServiceRequest> exportRequests() {
    List<ExportTraceServiceRequest> decoded = new ArrayList<>();
    for (RecordedRequest request : recorder.requests()) {
      if (TRACES_PATH.equals(request.path())) {
        decoded.add(decode(request));
      }
    }
    return decoded;
  }

  /** Every span received so far, with its resource and scope, in arrival order. */
  public List<ReceivedSpan> spans() {
    List<ReceivedSpan> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : exportRequests()) {
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            spans.add(new ReceivedSpan(resourceSpans.getResource(), scopeSpans.getScope(), span));
          }
        }
      }
    }
    return spans;
  }

  /** Waits until at least {@code count} spans arrived; fails after {@code timeout} with what did. */
  public List<ReceivedSpan> awaitSpans(int count, Duration timeout) {
    return awaitSpans(count, s -> true, timeout);
  }

  /** Waits until at least {@code count} spans matching {@code filter} arrived. */
  public List<ReceivedSpan> awaitSpans(int count, Predicate<ReceivedSpan> filter, Duration timeout) {
    List<ReceivedSpan> all = LoopbackServer.poll(this::spans,
        spans -> matching(spans, filter).size() >= count, timeout, Duration.ofMillis(20),
        last -> "expected " + count + " matching spans within " + timeout + ", got "
            + matching(last, filter).size() + "; all spans: " + last);
    return matching(all, filter);
  }

  private static List<ReceivedSpan> matching(List<ReceivedSpan> spans, Predicate<ReceivedSpan> filter) {
    List<ReceivedSpan> matching = new ArrayList<>();
    for (ReceivedSpan span : spans) {
      if (filter.test(span)) {
        matching.add(span);
      }
    }
    return matching;
  }

  private static ExportTraceServiceRequest decode(RecordedRequest request) {
    String contentType = String.valueOf(request.header("content-type")).toLowerCase(Locale.ROOT);
    if (!contentType.startsWith("application/x-protobuf")) {
      throw new AssertionError("OTLP/HTTP export with unexpected content type " + contentType
          + " (this receiver decodes binary protobuf only)");
    }
    try (InputStream in = body(request)) {
      return ExportTraceServiceRequest.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not an ExportTraceServiceRequest: " + request, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream body(RecordedRequest request) throws IOException {
    InputStream raw = new ByteArrayInputStream(request.body());
    return "gzip".equalsIgnoreCase(request.header("content-encoding")) ? new GZIPInputStream(raw) : raw;
  }

  @Override
  public void close() {
    recorder.close();
  }
}
