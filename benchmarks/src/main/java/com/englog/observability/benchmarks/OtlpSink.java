package com.englog.observability.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * An OTLP/HTTP endpoint on loopback for the servlet loopback benchmark: accepts every export with
 * {@code 200} and an empty body (an empty {@code ExportTraceServiceResponse}), reads and discards it,
 * and counts exports and bytes. {@code GET /stats} answers {@code exports bytes}. It decodes nothing, so
 * it costs the load generator's core as little as possible.
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
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      try (exchange) {
        if ("GET".equals(exchange.getRequestMethod()) && "/stats".equals(exchange.getRequestURI().getPath())) {
          respond(exchange, 200, "text/plain", (exports.sum() + " " + bytes.sum() + "\n").getBytes(StandardCharsets.US_ASCII));
          return;
        }
        long read = drain(exchange.getRequestBody());
        exports.increment();
        bytes.add(read);
        respond(exchange, 200, "application/x-protobuf", EMPTY);
      }
    });
    server.start();
    System.out.println("OTLP sink on http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[16384];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    return total;
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
