package com.englog.observability.health;

import com.englog.observability.health.internal.HealthJson;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health endpoint, independent of any HTTP server: a request in, a status code and JSON out.
 * {@link HealthHttpServer} serves it on the JDK's HTTP server with bounded waits, {@link
 * HealthHttpHandler} adapts it to a JDK server you own; the servlet module adapts it to
 * jakarta.servlet.
 *
 * <pre>{@code
 * HealthHandler handler = HealthHandler.builder(registry)
 *     .access(HealthAccess.bearerToken(Secret.fromFile(Path.of("/run/secrets/health-token"))))
 *     .build();
 * HealthResponse response = handler.handle(request);
 * }</pre>
 *
 * <table>
 * <caption>Paths (below the base path, default {@code /health})</caption>
 * <tr><th>path</th><th>group</th></tr>
 * <tr><td>{@code /health}</td><td>every component ({@link HealthRegistry#ALL})</td></tr>
 * <tr><td>{@code /health/live}</td><td>{@link HealthRegistry#LIVENESS}</td></tr>
 * <tr><td>{@code /health/ready}</td><td>{@link HealthRegistry#READINESS}</td></tr>
 * <tr><td>{@code /health/started}</td><td>{@link HealthRegistry#STARTUP}</td></tr>
 * <tr><td>{@code /health/{name}}</td><td>a custom group, or a single component by its name</td></tr>
 * </table>
 *
 * <p>A group path answers the group's status, in which a non-critical member that is not UP counts
 * as DEGRADED; a component's own path answers that component's status, critical or not, so a probe
 * of {@code /health/redis} sees a Redis outage (503) while {@code /health} stays 200 DEGRADED.
 *
 * <p>Status codes: 200 for UP and DEGRADED, 503 for DOWN; UNKNOWN is 200 for liveness (restarting a
 * pod that cannot tell is worse than waiting) and 503 everywhere else. 404 for an unknown group, 405
 * for methods other than GET and HEAD; HEAD answers GET's status and headers, {@code Content-Length}
 * included ({@link HealthResponse#contentLength()}), without the body. Callers that {@link HealthAccess} authorises get the full
 * report; everybody else gets {@code {"status":"UP"}} and nothing more.
 *
 * <p>Liveness never waits for a check: it is answered from the latest results (a due check is
 * started in the background, and a component not checked yet is UNKNOWN, which liveness answers
 * with 200), so a probe with a short timeout cannot fail because some check is slow. Every other
 * path waits, at most, for the deadlines of the checks it needs.
 */
public final class HealthHandler {

  public static final String DEFAULT_BASE_PATH = "/health";

  private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);
  /** The Kubernetes probe paths below the base path, and their groups. */
  private static final Map<String, String> PROBE_PATHS = probePaths();
  private static final byte[][] STATUS_BODIES = new byte[Status.values().length][];
  private static final byte[] NOT_FOUND = "{\"error\":\"no such health group\"}".getBytes(
      java.nio.charset.StandardCharsets.UTF_8);
  private static final byte[] NOT_ALLOWED = "{\"error\":\"method not allowed; use GET or HEAD\"}".getBytes(
      java.nio.charset.StandardCharsets.UTF_8);

  static {
    for (Status s : Status.values()) {
      STATUS_BODIES[s.ordinal()] = HealthJson.statusOnly(s.name());
    }
  }

  private final HealthRegistry registry;
  private final HealthAccess access;
  private final String basePath;
  /** Every path the handler answers, mapped to its group: lookups allocate nothing. */
  private final Map<String, String> groupByPath = new HashMap<>();
  /** Anonymous answers, prebuilt: [liveness?1:0][status][head?1:0]. */
  private final HealthResponse[][][] anonymous = new HealthResponse[2][Status.values().length][2];

  private HealthHandler(Builder b) {
    this.registry = b.registry;
    this.access = b.access;
    this.basePath = b.basePath;
    Map<String, String> names = new LinkedHashMap<>();
    registry.components().forEach(c -> names.put(c, c));
    registry.groups().forEach(g -> names.put(g, g));
    for (Map.Entry<String, String> probe : PROBE_PATHS.entrySet()) {
      if (names.containsKey(probe.getKey())) {
        throw new IllegalArgumentException("a component or group called \"" + probe.getKey() + "\" cannot "
            + "be served: " + basePath + "/" + probe.getKey() + " is the " + probe.getValue() + " probe");
      }
      names.put(probe.getKey(), probe.getValue());
    }
    groupByPath.put(basePath.isEmpty() ? "/" : basePath, HealthRegistry.ALL);
    groupByPath.put(basePath + "/", HealthRegistry.ALL);
    names.forEach((name, group) -> {
      groupByPath.put(basePath + "/" + name, group);
      groupByPath.put(basePath + "/" + name + "/", group);
    });
    for (Status st : Status.values()) {
      for (int live = 0; live < 2; live++) {
        int code = statusCode(live == 1 ? HealthRegistry.LIVENESS : HealthRegistry.READINESS, st);
        anonymous[live][st.ordinal()][0] = new HealthResponse(code, STATUS_BODIES[st.ordinal()], false);
        anonymous[live][st.ordinal()][1] = new HealthResponse(code, STATUS_BODIES[st.ordinal()], true);
      }
    }
  }

  private static Map<String, String> probePaths() {
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put("live", HealthRegistry.LIVENESS);
    paths.put("ready", HealthRegistry.READINESS);
    paths.put("started", HealthRegistry.STARTUP);
    return java.util.Collections.unmodifiableMap(paths);
  }

  public static Builder builder(HealthRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Answers one request. Never throws for bad input; waits at most for the checks' deadlines, and
   * for liveness not at all (see the class comment).
   */
  public HealthResponse handle(HealthRequest request) {
    Objects.requireNonNull(request, "request");
    HealthResponse early = early(request);
    if (early != null) {
      return early;
    }
    String group = group(request.path());
    boolean head = "HEAD".equals(request.method());
    boolean live = HealthRegistry.LIVENESS.equals(group);
    if (mayViewDetails(request)) {
      return detailed(group, live ? registry.checkNow(group) : registry.check(group), head);
    }
    return anonymous(group, live ? registry.statusNow(group) : registry.status(group), head);
  }

  /**
   * Answers one request without blocking the calling thread: the answer completes when the checks
   * it needs have results, at their deadline at the latest, on the thread that ends the last check
   * or on the registry's deadline timer. Dependents of the returned stage must therefore be quick
   * (hand the writing of the answer to an executor of your own). The request is read (method, path,
   * headers, access check) before this method returns, so an adapter may complete it later. Requests
   * that need no check (liveness, 404, 405) are answered at once.
   */
  public CompletionStage<HealthResponse> handleAsync(HealthRequest request) {
    Objects.requireNonNull(request, "request");
    HealthResponse early = early(request);
    if (early != null) {
      return CompletableFuture.completedFuture(early);
    }
    String group = group(request.path());
    if (HealthRegistry.LIVENESS.equals(group)) {
      return CompletableFuture.completedFuture(handle(request));
    }
    boolean head = "HEAD".equals(request.method());
    if (mayViewDetails(request)) {
      return registry.checkAsync(group).thenApply(report -> detailed(group, report, head));
    }
    return registry.statusAsync(group).thenApply(status -> anonymous(group, status, head));
  }

  /** The answer to a request with a wrong method or an unknown path; null for a health request. */
  private HealthResponse early(HealthRequest request) {
    String method = request.method();
    boolean head = "HEAD".equals(method);
    if (!head && !"GET".equals(method)) {
      return new HealthResponse(405, NOT_ALLOWED, false);
    }
    if (group(request.path()) == null) {
      return new HealthResponse(404, NOT_FOUND, head);
    }
    return null;
  }

  private static HealthResponse detailed(String group, HealthReport report, boolean head) {
    return new HealthResponse(statusCode(group, report.status()), HealthJson.report(report), head);
  }

  private HealthResponse anonymous(String group, Status status, boolean head) {
    return anonymous[HealthRegistry.LIVENESS.equals(group) ? 1 : 0][status.ordinal()][head ? 1 : 0];
  }

  /**
   * Where the handler answers ({@code /health}); empty for the root. Adapters mounted elsewhere route
   * the path below their mount point onto it.
   */
  public String basePath() {
    return basePath;
  }

  /** The HTTP status code for {@code status} of {@code group}. */
  public static int statusCode(String group, Status status) {
    switch (status) {
      case UP:
      case DEGRADED:
        return 200;
      case UNKNOWN:
        return HealthRegistry.LIVENESS.equals(group) ? 200 : 503;
      default:
        return 503;
    }
  }

  private boolean mayViewDetails(HealthRequest request) {
    try {
      return access.mayViewDetails(request);
    } catch (RuntimeException e) {
      LOG.warn("health: access check failed, showing status only: {}", e.toString());
      return false;
    }
  }

  private String group(String path) {
    return path == null ? null : groupByPath.get(path);
  }

  @Override
  public String toString() {
    return "HealthHandler{" + basePath + ", " + access + "}";
  }

  /** Builds a {@link HealthHandler}. */
  public static final class Builder {
    private final HealthRegistry registry;
    private HealthAccess access = HealthAccess.never();
    private String basePath = DEFAULT_BASE_PATH;

    private Builder(HealthRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Who sees details; default {@link HealthAccess#never()}. */
    public Builder access(HealthAccess access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /** Where the endpoint is mounted; default {@code /health}. Must start with '/' and not end with one. */
    public Builder basePath(String basePath) {
      Objects.requireNonNull(basePath, "basePath");
      if (!basePath.startsWith("/") || (basePath.length() > 1 && basePath.endsWith("/"))) {
        throw new IllegalArgumentException("basePath must start with '/' and not end with one, was \""
            + basePath + "\"");
      }
      this.basePath = basePath.equals("/") ? "" : basePath;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a component or group is called {@code live}, {@code ready}
     *     or {@code started}: those paths are the probes'
     */
    public HealthHandler build() {
      return new HealthHandler(this);
    }
  }
}
