package com.englog.examples.api.jobs;

import com.englog.examples.api.Peer;
import com.englog.examples.api.web.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Without Redis, jobs go straight to the worker: {@code POST {worker}/jobs} with the job as the body and
 * its W3C context also as {@code traceparent}/{@code tracestate} headers.
 */
public final class HttpJobQueue implements JobQueue {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient http;
  private final URI jobsUri;
  private final Peer peer;

  public HttpJobQueue(HttpClient http, URI workerUrl) {
    this.http = http;
    this.jobsUri = workerUrl.resolve("/jobs");
    this.peer = Peer.of("englog-worker", workerUrl);
  }

  @Override
  public void send(AiJob job) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(jobsUri)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(job)));
    job.trace().forEach(request::header);
    try {
      HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        throw new IOException("POST " + jobsUri + " answered " + response.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing a job to the worker");
    }
  }

  @Override
  public Peer peer() {
    return peer;
  }
}
