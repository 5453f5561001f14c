package com.englog.observability.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A loopback HTTP server that records every request and answers as configured: the stand-in for what
 * cannot run here (Slack, PagerDuty, a webhook, an OTLP backend). Tests assert on what it received.
 *
 * <pre>{@code
 * try (HttpRecorder slack = HttpRecorder.start()) {
 *   runCliWithWebhook(slack.uri("/hooks/T000"));
 *   RecordedRequest post = slack.awaitRequests(1, Duration.ofSeconds(5)).get(0);
 *   assertThat(post.bodyAsString()).contains("UNHEALTHY");
 * }
 * }</pre>
 *
 * <p>Behaviour can be switched while running: {@link #respondWith(int, String)}, {@link
 * #delayResponses(Duration)} and {@link #hang()} (requests are accepted and recorded but never
 * answered until {@link #release()} or {@link #close()}).
 */
public final class HttpRecorder implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final String scheme;
  private final Arrivals<RecordedRequest> requests = new Arrivals<>("requests");
  private volatile int status = 200;
  private volatile byte[] responseBody = new byte[0];
  private volatile String contentType = "text/plain; charset=utf-8";
  private volatile Duration delay = Duration.ZERO;
  private volatile CountDownLatch hangLatch = new CountDownLatch(0);
  private volatile Consumer<RecordedRequest> listener = r -> { };

  private HttpRecorder(HttpServer server, ExecutorService executor, String scheme) {
    this.server = server;
    this.executor = executor;
    this.scheme = scheme;
  }

  /** Starts a recorder on a free port of 127.0.0.1, answering 200 with an empty body. */
  public static HttpRecorder start() {
    try {
      return start(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64), "http");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts an HTTPS recorder on a free port of 127.0.0.1 with {@code context} (e.g. {@link
   * SelfSignedCertificate#serverContext}); with {@code needClientAuth} a client without a certificate
   * the context trusts fails the handshake and is never recorded.
   */
  public static HttpRecorder startHttps(SSLContext context, boolean needClientAuth) {
    try {
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters ssl = context.getDefaultSSLParameters();
          ssl.setNeedClientAuth(needClientAuth);
          params.setSSLParameters(ssl);
        }
      });
      return start(server, "https");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpRecorder start(HttpServer server, String scheme) {
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "http-recorder");
      t.setDaemon(true);
      return t;
    });
    HttpRecorder recorder = new HttpRecorder(server, executor, scheme);
    server.createContext("/", recorder::handle);
    server.setExecutor(executor);
    server.start();
    return recorder;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    URI uri = exchange.getRequestURI();
    RecordedRequest recorded = new RecordedRequest(
        exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), exchange.getRequestHeaders(), body);
    requests.add(recorded);
    try {
      listener.accept(recorded);
    } catch (RuntimeException e) {
      // A listener's failure must not turn the answer into an error the sender retries.
    }
    try {
      hangLatch.await();
      Duration d = delay;
      if (!d.isZero()) {
        Thread.sleep(d.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
      return;
    }
    byte[] payload = responseBody;
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, payload.length == 0 ? -1 : payload.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(payload);
    }
  }

  /** Answer every later request with {@code status} and {@code body}. */
  public HttpRecorder respondWith(int status, String body) {
    return respondWith(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answer every later request with {@code status}, {@code contentType} and {@code body}. */
  public HttpRecorder respondWith(int status, String contentType, byte[] body) {
    this.status = status;
    this.contentType = contentType;
    this.responseBody = body.clone();
    return this;
  }

  /**
   * Calls {@code listener} with every later request once it is recorded, on the server's thread,
   * before the answer is sent (e.g. to print each arrival). Exceptions it throws are ignored.
   */
  public HttpRecorder onRequest(Consumer<RecordedRequest> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Wait {@code delay} before answering each later request. */
  public HttpRecorder delayResponses(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** Record later requests but never answer them, until {@link #release()} or {@link #close()}. */
  public HttpRecorder hang() {
    hangLatch = new CountDownLatch(1);
    return this;
  }

  /** Answer the requests held by {@link #hang()} and stop hanging. */
  public HttpRecorder release() {
    hangLatch.countDown();
    return this;
  }

  /** {@code http://127.0.0.1:port} (or {@code https://}) + {@code path}. */
  public URI uri(String path) {
    return URI.create(scheme + "://127.0.0.1:" + port() + (path.startsWith("/") ? path : "/" + path));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Everything received so far, in arrival order. */
  public List<RecordedRequest> requests() {
    return requests.snapshot();
  }

  /** Waits until at least {@code count} requests arrived; fails after {@code timeout}. */
  public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
    return awaitRequests(count, r -> true, timeout);
  }

  /** Waits until at least {@code count} requests matching {@code filter} arrived. */
  public List<RecordedRequest> awaitRequests(
      int count, Predicate<RecordedRequest> filter, Duration timeout) {
    return requests.await(count, filter, timeout);
  }

  @Override
  public void close() {
    hangLatch.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
