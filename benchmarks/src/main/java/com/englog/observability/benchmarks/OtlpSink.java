package com.englog.observability.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP endpoint on loopback for the servlet loopback benchmark: accepts every export with
 * {@code 200} and an empty body (an empty {@code ExportTraceServiceResponse}), and counts exports, bytes
 * and spans. {@code GET /stats} answers {@code exports bytes spans}. It decodes no more of the protobuf
 * than the nesting down to the spans, so it costs the load generator's core little, and the run can
 * say how many spans per request each variant really delivered (a batch span processor whose queue is
 * full drops spans, and a variant dropping most of its spans does less work than one delivering them).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar com.englog.observability.benchmarks.OtlpSink PORT</pre>
 */
public final class OtlpSink {

  private static final byte[] EMPTY = new byte[0];

  private OtlpSink() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 4318;
    LongAdder exports = new LongAdder();
    LongAdder bytes = new LongAdder();
    LongAdder spans = new LongAdder();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      try (exchange) {
        if ("GET".equals(exchange.getRequestMethod()) && "/stats".equals(exchange.getRequestURI().getPath())) {
          respond(exchange, 200, "text/plain", (exports.sum() + " " + bytes.sum() + " " + spans.sum() + "\n").getBytes(StandardCharsets.US_ASCII));
          return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        exports.increment();
        bytes.add(body.length);
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && encoding.contains("gzip")) {
          body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        spans.add(countSpans(body));
        respond(exchange, 200, "application/x-protobuf", EMPTY);
      }
    });
    server.start();
    System.out.println("OTLP sink on http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Spans in an {@code ExportTraceServiceRequest}: field 1 {@code resource_spans}, in each field 2
   * {@code scope_spans}, in each field 2 {@code spans}.
   */
  static long countSpans(byte[] request) {
    return count(request, 0, request.length, 0);
  }

  /** Counts the length-delimited fields 1 (depth 0) or 2 (deeper) of the message in [from, to). */
  private static long count(byte[] b, int from, int to, int depth) {
    long n = 0;
    int[] pos = {from};
    while (pos[0] < to) {
      long tag = varint(b, pos);
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      switch (wire) {
        case 0 -> varint(b, pos);
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          int length = (int) varint(b, pos);
          int start = pos[0];
          pos[0] += length;
          if (field == (depth == 0 ? 1 : 2)) {
            n += depth == 2 ? 1 : count(b, start, start + length, depth + 1);
          }
        }
        default -> throw new IllegalArgumentException("wire type " + wire + " at " + pos[0]);
      }
    }
    return n;
  }

  private static long varint(byte[] b, int[] pos) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b[pos[0]++];
      value |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
