package com.englog.examples.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic against the example API, as users would make it: a writer signs in, creates a journal,
 * lists and reads journals and views an AI summary; every few rounds a reader tries to write (403) and
 * a caller without a token is refused (401). Runs on one daemon thread until {@link #close()}.
 */
public final class TrafficGenerator implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI api;
  private final Duration period;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, AtomicLong> counts = new TreeMap<>();
  private final AtomicLong rounds = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  /** Traffic against {@code api} (e.g. {@code http://127.0.0.1:8080}), one round every {@code period}. */
  public TrafficGenerator(URI api, Duration period) {
    this.api = api;
    this.period = period;
  }

  /** Starts the thread. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "englog-example-traffic");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        round();
      } catch (IOException e) {
        count("no answer");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(period.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One round of requests; public so a test can make traffic without the thread. */
  public void round() throws IOException, InterruptedException {
    long n = rounds.incrementAndGet();
    send("POST", "/api/sessions", ExampleStack.WRITER_TOKEN, "{}");
    HttpResponse<String> created = send("POST", "/api/journals", ExampleStack.WRITER_TOKEN,
        "{\"title\":\"Day " + n + "\",\"body\":\"Wrote the traffic generator, round " + n + ".\"}");
    send("GET", "/api/journals", ExampleStack.WRITER_TOKEN, null);
    if (created.statusCode() == 201) {
      JsonNode body = JSON.readTree(created.body());
      String id = body.path("id").asText();
      if (!id.isEmpty()) {
        send("GET", "/api/journals/" + id, ExampleStack.WRITER_TOKEN, null);
        send("GET", "/api/journals/" + id + "/summary", ExampleStack.WRITER_TOKEN, null);
      }
    }
    if (n % 5 == 0) {
      send("POST", "/api/journals", ExampleStack.READER_TOKEN, "{\"title\":\"No\",\"body\":\"Readers cannot write.\"}");
      send("GET", "/api/journals", null, null);
    }
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    count(method + " " + template(path) + " " + response.statusCode());
    return response;
  }

  private static String template(String path) {
    return path.replaceAll("/api/journals/[^/]+", "/api/journals/{id}");
  }

  private void count(String key) {
    synchronized (counts) {
      counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Requests made so far by {@code METHOD /route STATUS}. */
  public Map<String, Long> counts() {
    synchronized (counts) {
      Map<String, Long> copy = new TreeMap<>();
      counts.forEach((k, v) -> copy.put(k, v.get()));
      return copy;
    }
  }

  /** {@code 123 requests: 2xx 100, 4xx 20, 5xx 3}. */
  public String summary() {
    long total = 0;
    Map<String, Long> byClass = new TreeMap<>();
    for (Map.Entry<String, Long> e : counts().entrySet()) {
      total += e.getValue();
      String key = e.getKey();
      String status = key.substring(key.lastIndexOf(' ') + 1);
      byClass.merge(status.matches("\\d{3}") ? status.charAt(0) + "xx" : key, e.getValue(), Long::sum);
    }
    StringBuilder out = new StringBuilder().append(total).append(" requests");
    String sep = ": ";
    for (Map.Entry<String, Long> e : byClass.entrySet()) {
      out.append(sep).append(e.getKey()).append(' ').append(e.getValue());
      sep = ", ";
    }
    return out.toString();
  }

  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }
}
