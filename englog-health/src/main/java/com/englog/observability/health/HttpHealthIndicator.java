package com.englog.observability.health;

import com.englog.observability.common.Secret;
import com.englog.observability.health.internal.Reasons;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An HTTP dependency (an AI provider, another service): UP when it answers with an expected status,
 * DEGRADED when slower than its latency budget, DOWN otherwise. The response body is discarded;
 * redirects are not followed (a health URL that redirects to a login page is not healthy).
 *
 * <pre>{@code
 * .add("ai", HttpHealthIndicator.builder(URI.create("https://api.openai.com/v1/models"))
 *     .bearerToken(Secret.fromEnv("OPENAI_API_KEY"))
 *     .latencyBudget(Duration.ofSeconds(1))
 *     .build(), o -> o.nonCritical())
 * }</pre>
 *
 * <p>The request times out at the check's deadline and is cancelled if the runtime abandons it.
 * Details show the status code, latency and the URL without query string or user info; header values
 * (secrets) are never shown or logged.
 */
public final class HttpHealthIndicator implements HealthIndicator {

  private static volatile HttpClient sharedClient;

  private final URI uri;
  private final String safeUri;
  private final String method;
  private final int[] expectedStatus;
  private final Duration latencyBudget;
  private final List<String> headerNames;
  private final List<Secret> headerValues;
  private final List<String> headerPrefixes;
  private final HttpClient client;

  private HttpHealthIndicator(Builder b) {
    this.uri = b.uri;
    this.safeUri = safe(b.uri);
    this.method = b.method;
    this.expectedStatus = b.expectedStatus;
    this.latencyBudget = b.latencyBudget;
    this.headerNames = List.copyOf(b.headerNames);
    this.headerValues = List.copyOf(b.headerValues);
    this.headerPrefixes = List.copyOf(b.headerPrefixes);
    this.client = b.client;
  }

  /** GET {@code uri}, any 2xx is UP, no latency budget. */
  public static HttpHealthIndicator of(URI uri) {
    return builder(uri).build();
  }

  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  @Override
  public Health check(HealthCheckContext context) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(positive(context.remaining()))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .header("User-Agent", "englog-health");
    for (int i = 0; i < headerNames.size(); i++) {
      Optional<String> value = headerValues.get(i).value();
      if (value.isEmpty()) {
        return Health.down("credentials unavailable: " + headerValues.get(i)).detail("url", safeUri).build();
      }
      request.header(headerNames.get(i), headerPrefixes.get(i) + value.get());
    }
    HttpClient http = client != null ? client : shared();
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<Void>> future =
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
    context.onAbort(() -> future.cancel(true));
    HttpResponse<Void> response;
    try {
      response = future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof java.net.ConnectException) {
        return Health.down("cannot connect to " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
            + " (" + Reasons.describe(cause) + ")").detail("url", safeUri).build();
      }
      if (cause instanceof HttpTimeoutException) {
        return Health.down("no response within " + Reasons.duration(context.deadline()))
            .detail("url", safeUri).build();
      }
      return Health.down(Reasons.describe(cause)).detail("url", safeUri).build();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    int status = response.statusCode();
    Health.Builder health;
    if (!expected(status)) {
      health = Health.down("HTTP " + status + " (expected " + describeExpected() + ")");
    } else if (latencyBudget != null && latency.compareTo(latencyBudget) > 0) {
      health = Health.degraded("slow: answered in " + Reasons.duration(latency) + ", budget "
          + Reasons.duration(latencyBudget));
    } else {
      health = Health.up();
    }
    return health.detail("url", safeUri).detail("status_code", status)
        .detail("latency_ms", latency.toMillis()).build();
  }

  private boolean expected(int status) {
    if (expectedStatus.length == 0) {
      return status >= 200 && status < 300;
    }
    for (int s : expectedStatus) {
      if (s == status) {
        return true;
      }
    }
    return false;
  }

  private String describeExpected() {
    if (expectedStatus.length == 0) {
      return "2xx";
    }
    StringBuilder sb = new StringBuilder();
    for (int s : expectedStatus) {
      sb.append(sb.length() == 0 ? "" : " or ").append(s);
    }
    return sb.toString();
  }

  private static Duration positive(Duration d) {
    return d.toMillis() < 1 ? Duration.ofMillis(1) : d;
  }

  private static HttpClient shared() {
    HttpClient c = sharedClient;
    if (c == null) {
      synchronized (HttpHealthIndicator.class) {
        c = sharedClient;
        if (c == null) {
          sharedClient = c = HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
        }
      }
    }
    return c;
  }

  /** scheme://host:port/path, without user info, query or fragment. */
  static String safe(URI uri) {
    String s = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    return uri.getRawPath() == null ? s : s + uri.getRawPath();
  }

  @Override
  public String toString() {
    return "HttpHealthIndicator{" + method + " " + safeUri + "}";
  }

  /** Builds an {@link HttpHealthIndicator}. */
  public static final class Builder {
    private final URI uri;
    private String method = "GET";
    private int[] expectedStatus = new int[0];
    private Duration latencyBudget;
    private final List<String> headerNames = new ArrayList<>();
    private final List<Secret> headerValues = new ArrayList<>();
    private final List<String> headerPrefixes = new ArrayList<>();
    private HttpClient client;

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("uri must be http or https, was " + safe(uri));
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("uri must have a host, was " + safe(uri));
      }
    }

    /** GET (default) or HEAD. */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method");
      if (!method.equals("GET") && !method.equals("HEAD")) {
        throw new IllegalArgumentException("method must be GET or HEAD, was " + method);
      }
      this.method = method;
      return this;
    }

    /** The status codes that count as UP (default: any 2xx); each 100 to 599. */
    public Builder expectedStatus(int... codes) {
      Objects.requireNonNull(codes, "codes");
      for (int c : codes) {
        if (c < 100 || c > 599) {
          throw new IllegalArgumentException("expectedStatus must be between 100 and 599, was " + c);
        }
      }
      this.expectedStatus = Arrays.copyOf(codes, codes.length);
      return this;
    }

    /** Slower answers are DEGRADED; must be positive. */
    public Builder latencyBudget(Duration budget) {
      Objects.requireNonNull(budget, "budget");
      if (budget.isNegative() || budget.isZero()) {
        throw new IllegalArgumentException("latencyBudget must be positive, was " + budget);
      }
      this.latencyBudget = budget;
      return this;
    }

    /** Send {@code Authorization: Bearer <secret>}. */
    public Builder bearerToken(Secret token) {
      return header("Authorization", "Bearer ", token);
    }

    /**
     * Send header {@code name} with the secret as its value (e.g. {@code x-api-key}).
     *
     * @throws IllegalArgumentException for a name the JDK HTTP client does not send (e.g. {@code Host})
     */
    public Builder header(String name, Secret value) {
      return header(name, "", value);
    }

    private Builder header(String name, String prefix, Secret value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      try {
        // The JDK client refuses some names (Host, Connection, …) and malformed ones; say so now, not
        // as a DOWN on every check.
        HttpRequest.newBuilder().header(name, "x");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("header name \"" + name + "\" cannot be sent by the JDK HTTP "
            + "client: " + e.getMessage(), e);
      }
      headerNames.add(name);
      headerPrefixes.add(prefix);
      headerValues.add(value);
      return this;
    }

    /** Use this client (proxy, TLS settings); default: a shared client that does not follow redirects. */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    public HttpHealthIndicator build() {
      return new HttpHealthIndicator(this);
    }
  }
}
