package com.englog.observability.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What every server a test starts on a free loopback port shares (Prometheus, Alertmanager, the
 * exporters): the process, its port and scratch directory, readiness, plain-text and JSON calls to its
 * HTTP API (with basic auth when the server runs with a web config) and the server's log in every
 * failure, and polling until a condition holds.
 */
abstract class LoopbackServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final ManagedProcess process;
  private final int port;
  private final Path directory;
  private final String authorization;

  /** @param authorization the {@code Authorization} header every call sends, or null */
  LoopbackServer(String name, ManagedProcess process, int port, Path directory, String authorization) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.directory = directory;
    this.authorization = authorization;
  }

  /** {@code Basic base64(user:password)}, or null when {@code user} is null. */
  static String basicAuth(String user, String password) {
    if (user == null) {
      return null;
    }
    return "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Starts {@code command} (logging to {@code <directory>/<name>.log}) and waits until {@code readyPath}
   * answers 200 to a request carrying {@code authorization}; stops the process if it never does.
   */
  static ManagedProcess startReady(String name, List<String> command, Path directory,
      Map<String, String> environment, int port, String readyPath, String authorization) {
    ManagedProcess process = ManagedProcess.start(
        name, command, directory, environment, directory.resolve(name + ".log"));
    try {
      process.awaitHttpOk(URI.create("http://127.0.0.1:" + port + readyPath), authorization,
          READY_TIMEOUT);
    } catch (AssertionError e) {
      process.close();
      throw e;
    }
    return process;
  }

  /** {@code http://127.0.0.1:port}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** The scratch directory holding data, configuration and log. */
  public Path directory() {
    return directory;
  }

  /** The last lines of the server's log, for assertion messages. */
  public String logTail() {
    return process.logTail();
  }

  /** The text of {@code GET /metrics}: what Prometheus scrapes from this server. */
  public String scrape() {
    return getText("/metrics");
  }

  /** Stops the server (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    process.close();
  }

  /** GET {@code pathAndQuery}; the answer whatever its status. */
  HttpResponse<String> get(String pathAndQuery, Duration timeout) {
    return send(request(baseUri().resolve(pathAndQuery), authorization, timeout).GET(),
        "GET " + pathAndQuery);
  }

  /** GET {@code pathAndQuery}; fails unless the answer is 200. */
  String getText(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery, REQUEST_TIMEOUT);
    if (response.statusCode() != 200) {
      throw unexpected("GET " + pathAndQuery, response);
    }
    return response.body();
  }

  /** GET {@code pathAndQuery} and parse the JSON answer; fails unless the answer is 200. */
  JsonNode getJsonOk(String pathAndQuery) {
    return parse(getText(pathAndQuery), "GET " + pathAndQuery);
  }

  /** GET {@code pathAndQuery} and parse the JSON answer, whatever the status (the caller judges it). */
  JsonNode getJson(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery, REQUEST_TIMEOUT);
    return parse(response.body(), "GET " + pathAndQuery + " (" + response.statusCode() + ")");
  }

  /** POST {@code body} as JSON to {@code path}; fails unless the answer is 200. */
  void postJson(String path, Object body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpResponse<String> response = send(request(baseUri().resolve(path), authorization, REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), "POST " + path);
    if (response.statusCode() != 200) {
      throw unexpected("POST " + path, response);
    }
  }

  /** A failure naming the server, the call and its answer. */
  AssertionError unexpected(String call, HttpResponse<String> response) {
    return new AssertionError(name + " answered " + response.statusCode() + " to " + call + ": "
        + response.body());
  }

  private static HttpRequest.Builder request(URI uri, String authorization, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String call) {
    try {
      return ManagedProcess.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(call + " to " + name + " failed; log:\n" + logTail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private JsonNode parse(String body, String call) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError(name + " answered " + call + " with something that is not JSON: "
          + body, e);
    }
  }

  /**
   * Calls {@code probe} every {@code pause} until its result satisfies {@code condition}; fails after
   * {@code timeout} with {@code describe} applied to the last result. Probes at least once, so a
   * condition that already holds is met whatever the timeout.
   */
  static <T> T poll(Supplier<T> probe, Predicate<? super T> condition, Duration timeout,
      Duration pause, Function<? super T, String> describe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T last = probe.get();
      if (condition.test(last)) {
        return last;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(describe.apply(last));
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
