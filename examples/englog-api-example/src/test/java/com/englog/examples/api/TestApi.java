package com.englog.examples.api;

import com.englog.examples.api.ai.SimulatedAiProvider;
import com.englog.observability.tracing.Tracing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API started in this JVM on a free port, as {@code ApiMain} starts it, with its neighbours: the
 * simulated AI provider (in process) and a worker stub receiving the HTTP hand-off. H2 and the
 * in-process cache unless the extra settings say otherwise.
 */
final class TestApi implements AutoCloseable {

  static final String ALICE = "demo-alice";
  static final String BOB = "demo-bob-readonly";
  static final String ADMIN = "demo-admin";

  final SimulatedAiProvider ai;
  final WorkerStub worker;
  final ApiServer server;
  private final String metricsToken;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestApi(SimulatedAiProvider ai, WorkerStub worker, ApiServer server) throws IOException {
    this.ai = ai;
    this.worker = worker;
    this.server = server;
    this.metricsToken = Files.readString(server.metricsTokenFile(), StandardCharsets.US_ASCII).strip();
  }

  /** Starts everything; {@code extraEnv} adds or overrides environment variables of the API. */
  static TestApi start(Path tmp, Map<String, String> extraEnv) throws Exception {
    SimulatedAiProvider ai = SimulatedAiProvider.start("127.0.0.1", 0, Tracing.noop());
    ai.control(0, 0.0);
    WorkerStub worker = new WorkerStub();
    Map<String, String> env = new HashMap<>();
    env.put("ENGLOG_EXAMPLE_PORT", "0");
    env.put("ENGLOG_EXAMPLE_AI_URL", "http://127.0.0.1:" + ai.port());
    env.put("ENGLOG_EXAMPLE_WORKER_URL", worker.uri().toString());
    env.put("ENGLOG_EXAMPLE_DRAIN_SECONDS", "5");
    env.putAll(extraEnv);
    ApiConfig config = ApiConfig.fromEnvironment(env);
    ApiServer server = ApiServer.start(config, MetricsToken.file(config, tmp.toString()));
    return new TestApi(ai, worker, server);
  }

  HttpResponse<String> send(String method, String path, String token, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    return send("GET", path, token, null);
  }

  /** Creates a journal as alice and returns its id. */
  String createJournal(String title, String body) throws IOException, InterruptedException {
    HttpResponse<String> created = send("POST", "/api/journals", ALICE,
        "{\"title\":\"" + title + "\",\"body\":\"" + body + "\"}");
    if (created.statusCode() != 201) {
      throw new AssertionError("create answered " + created.statusCode() + ": " + created.body());
    }
    Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
    if (!id.find()) {
      throw new AssertionError("no id in " + created.body());
    }
    return id.group(1);
  }

  /** The Prometheus text of {@code /metrics}, fetched with the metrics token. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = get("/metrics", metricsToken);
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /** The value of the series {@code series} (name and labels as exposed), or 0 when it is absent. */
  double value(String series) throws IOException, InterruptedException {
    for (String line : scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).split(" ")[0]);
      }
    }
    return 0;
  }

  URI uri(String path) {
    return server.uri().resolve(path);
  }

  @Override
  public void close() {
    server.shutdown();
    worker.close();
    ai.close();
  }
}
