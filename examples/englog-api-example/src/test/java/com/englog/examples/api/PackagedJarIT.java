package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.examples.api.web.Json;
import com.englog.observability.testsupport.FreePort;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as launchers run it: {@code java -jar target/englog-api-example.jar} from another
 * directory (the manifest finds {@code target/lib/}), the AI provider from the same jar, the ready lines,
 * the generated metrics token, a trace that crosses both processes, and SIGTERM ending in exit code 0.
 */
class PackagedJarIT {

  private static final Path JAR = Path.of("target", "englog-api-example.jar").toAbsolutePath();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theJarRunsTracesAcrossProcessesAndStopsCleanlyOnSigterm() throws Exception {
    int aiPort = FreePort.next();
    int apiPort = FreePort.next();
    Path aiLog = tmp.resolve("ai.log");
    Path apiLog = tmp.resolve("api.log");
    Process ai = start(List.of("-cp", JAR.toString(), "com.englog.examples.api.ai.SimulatedAiProviderMain"),
        Map.of("ENGLOG_EXAMPLE_PORT", Integer.toString(aiPort)), aiLog);
    awaitLine(aiLog, "englog-example ready: englog-ai-provider http://127.0.0.1:" + aiPort, ai);
    Process api = start(List.of("-jar", JAR.toString()), Map.of(
        "ENGLOG_EXAMPLE_PORT", Integer.toString(apiPort),
        "ENGLOG_EXAMPLE_AI_URL", "http://127.0.0.1:" + aiPort,
        // No worker: the hand-off fails, creation answers 201 all the same.
        "ENGLOG_EXAMPLE_WORKER_URL", "http://127.0.0.1:" + FreePort.next(),
        "ENGLOG_EXAMPLE_DRAIN_SECONDS", "3"), apiLog);
    awaitLine(apiLog, "englog-example ready: englog-api http://127.0.0.1:" + apiPort, api);

    Path token = tmp.resolve("englog-api-metrics-token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
    URI base = URI.create("http://127.0.0.1:" + apiPort);
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String traceparent = "00-" + traceId + "-b7ad6b7169203331-01";
    HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("/api/journals"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"jar\",\"body\":\"from a packaged jar\"}"))
        .header("Authorization", "Bearer demo-alice").header("traceparent", traceparent));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = Json.MAPPER.readTree(created.body()).path("id").asText();
    HttpResponse<String> summary = send(HttpRequest.newBuilder(base.resolve("/api/journals/" + id + "/summary"))
        .header("Authorization", "Bearer demo-alice").header("traceparent", traceparent));
    assertThat(summary.statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = send(HttpRequest.newBuilder(base.resolve("/metrics"))
        .header("Authorization", "Bearer " + Files.readString(token).strip()));
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("englog_business_journals_created_total{entry_type=\"text\"} 1.0");

    // One trace across the two processes: the provider's log line carries the caller's trace id.
    awaitJsonLine(aiLog, line -> "Summarized 4 words".equals(line.path("message").asText())
        && traceId.equals(line.path("trace_id").asText()));

    api.destroy(); // SIGTERM
    assertThat(api.waitFor(20, TimeUnit.SECONDS)).as("stopped within the drain time").isTrue();
    assertThat(api.exitValue()).isEqualTo(0);
    ai.destroy();
    assertThat(ai.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(ai.exitValue()).isEqualTo(0);

    List<String> lines = Files.readAllLines(apiLog, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).contains("\"message\":\"Effective configuration\"");
    assertThat(lines).anyMatch(l -> l.contains("Stopped (spans flushed: true)"));
    assertThat(lines).as("every line is JSON, except the ready line")
        .filteredOn(l -> !l.isBlank() && !l.startsWith("englog-example ready:"))
        .allSatisfy(l -> assertThat(Json.MAPPER.readTree(l).isObject()).isTrue());
  }

  private Process start(List<String> arguments, Map<String, String> env, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("ENGLOG_"));
    builder.environment().put("TMPDIR", tmp.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitLine(Path log, String line, Process process) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readAllLines(log, StandardCharsets.UTF_8).contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + line + "' within " + START_TIMEOUT + ":\n" + Files.readString(log));
  }

  private static void awaitJsonLine(Path log, Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.startsWith("{") && wanted.test(Json.MAPPER.readTree(line))) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no such line in " + log + ":\n" + Files.readString(log));
  }
}
