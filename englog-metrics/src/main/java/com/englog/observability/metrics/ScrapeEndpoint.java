package com.englog.observability.metrics;

import com.englog.observability.common.internal.BearerTokens;
import com.englog.observability.common.internal.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /metrics} endpoint, independent of any HTTP server: every HTTP rule of a scrape in one
 * place, so each container serves the same answers. {@link MetricsHttpServer} serves it on the JDK's
 * HTTP server, the servlet module's {@code MetricsServlet} on a servlet container.
 *
 * <pre>{@code
 * ScrapeEndpoint endpoint = ScrapeEndpoint.builder(metrics.scrapeHandler())
 *     .bearerTokenFile(Path.of("/run/secrets/metrics-token"))  // Prometheus: credentials_file
 *     .build();
 * ScrapeResponse response = endpoint.handle(ScrapeRequest.of("GET", request::getHeader));
 * }</pre>
 *
 * <p>The rules, in the order they apply:
 * <ol>
 *   <li>Only {@code GET} and {@code HEAD} are served; any other method gets 405 with {@code Allow: GET,
 *       HEAD}.
 *   <li>Unless anonymous access was chosen, a request without {@code Authorization: Bearer <token>}
 *       carrying the current token gets 401 with {@code WWW-Authenticate: Bearer realm="metrics"}. The
 *       token comes from a file (re-read when it changes) or an environment variable; while there is
 *       none (missing or empty file, unset variable) every request gets 401. The token file may also
 *       be named by the system property {@value #TOKEN_FILE_PROPERTY} or the environment variable
 *       {@value #TOKEN_FILE_ENV}, which win over the builder.
 *   <li>The body is OpenMetrics or Prometheus text as {@code Accept} prefers ({@link
 *       ScrapeHandler#negotiate}), gzip-compressed when {@code Accept-Encoding} accepts gzip; the
 *       answer carries {@code Vary: Accept, Accept-Encoding}.
 *   <li>Every answer carries {@code Cache-Control: no-store}: a scrape is never served from a cache.
 *   <li>{@code HEAD} gets the headers {@code GET} would get, {@code Content-Length} included, and no
 *       body.
 * </ol>
 *
 * <p>The path is the adapter's business (a servlet mapping, a server context). Thread-safe.
 */
public final class ScrapeEndpoint {

  /** System property naming the bearer token file; wins over the builder and the environment. */
  public static final String TOKEN_FILE_PROPERTY = "englog.metrics.token-file";
  /** Environment variable naming the bearer token file; wins over the builder. */
  public static final String TOKEN_FILE_ENV = "ENGLOG_METRICS_TOKEN_FILE";
  /** The {@code Allow} header of a 405. */
  public static final String ALLOW = "GET, HEAD";
  /** The {@code Vary} header of a scrape: the body depends on both. */
  public static final String VARY = "Accept, Accept-Encoding";
  /** The {@code WWW-Authenticate} header of a 401. */
  public static final String WWW_AUTHENTICATE = "Bearer realm=\"metrics\"";

  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
  private static final byte[] UNAUTHORIZED = ScrapeResponse.text("unauthorized\n");
  private static final byte[] NOT_ALLOWED = ScrapeResponse.text("method not allowed; use GET or HEAD\n");
  private static final Map<String, String> UNAUTHORIZED_HEADERS = headers(
      "WWW-Authenticate", WWW_AUTHENTICATE, "Cache-Control", "no-store");
  private static final Map<String, String> NOT_ALLOWED_HEADERS = headers(
      "Allow", ALLOW, "Cache-Control", "no-store");
  private static final Map<String, String> SCRAPE_HEADERS = headers(
      "Vary", VARY, "Cache-Control", "no-store");
  private static final Map<String, String> GZIP_SCRAPE_HEADERS = headers(
      "Vary", VARY, "Cache-Control", "no-store", "Content-Encoding", "gzip");

  private final ScrapeHandler handler;
  private final @Nullable BearerTokens token;

  private ScrapeEndpoint(ScrapeHandler handler, @Nullable BearerTokens token) {
    this.handler = handler;
    this.token = token;
  }

  /** A builder serving {@code handler}; it needs a token source or {@link Builder#allowAnonymous()}. */
  public static Builder builder(ScrapeHandler handler) {
    return new Builder(Objects.requireNonNull(handler, "handler"));
  }

  /** The settings of this module, with the token file's former names as aliases. */
  static Settings settings(Function<String, String> systemProperties,
      Function<String, String> environment) {
    return Settings.of("metrics", systemProperties, environment)
        .withAlias("token-file", "englog.metrics.bearer-token-file", "ENGLOG_METRICS_BEARER_TOKEN_FILE");
  }

  /**
   * Answers one request. Never throws for bad input; a registry that fails to render answers 500 with
   * a one-line reason.
   */
  public ScrapeResponse handle(ScrapeRequest request) {
    Objects.requireNonNull(request, "request");
    String method = request.method();
    boolean head = "HEAD".equals(method);
    if (!head && !"GET".equals(method)) {
      return new ScrapeResponse(405, PLAIN_TEXT, NOT_ALLOWED_HEADERS, NOT_ALLOWED, NOT_ALLOWED.length,
          false);
    }
    if (token != null && !token.permits(request.header("Authorization"))) {
      return new ScrapeResponse(401, PLAIN_TEXT, UNAUTHORIZED_HEADERS, UNAUTHORIZED, UNAUTHORIZED.length,
          head);
    }
    ScrapeHandler.Response scrape = handler.handle(request.header("Accept"));
    if (!acceptsGzip(request.header("Accept-Encoding"))) {
      return new ScrapeResponse(scrape.status(), scrape.contentType(), SCRAPE_HEADERS, scrape.buffer(),
          scrape.length(), head);
    }
    Buffer zipped = new Buffer(Math.max(256, scrape.length() / 4));
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      scrape.writeTo(gzip);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory cannot fail", e);
    }
    return new ScrapeResponse(scrape.status(), scrape.contentType(), GZIP_SCRAPE_HEADERS, zipped.array(),
        zipped.size(), head);
  }

  /** True when scrapes need a bearer token; false when anonymous access was chosen. */
  public boolean requiresToken() {
    return token != null;
  }

  /** Where the token comes from ({@code bearer token from Secret(file …)}) or {@code anonymous}. */
  @Override
  public String toString() {
    return "ScrapeEndpoint{" + (token == null ? "anonymous" : token.toString()) + "}";
  }

  /** True when {@code acceptEncoding} lists gzip without refusing it ({@code q=0}). */
  static boolean acceptsGzip(@Nullable String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String coding : acceptEncoding.split(",", -1)) {
      String[] parts = coding.trim().toLowerCase(Locale.ROOT).split(";", -1);
      if (parts[0].trim().equals("gzip")) {
        boolean refused = parts.length > 1 && parts[1].trim().replace(" ", "").matches("q=0(\\.0*)?");
        return !refused;
      }
    }
    return false;
  }

  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** Configures the endpoint's authentication; there is no default, the choice is explicit. */
  public static final class Builder {
    private final ScrapeHandler handler;
    private @Nullable Path tokenFile;
    private @Nullable String tokenEnv;
    private boolean anonymous;
    private Function<String, String> systemProperties = System::getProperty;
    private Function<String, String> environment = System::getenv;

    private Builder(ScrapeHandler handler) {
      this.handler = handler;
    }

    /**
     * Require {@code Authorization: Bearer <token>} with the token held in {@code file}, re-read when
     * it changes. While the file is missing or empty every request gets 401.
     */
    public Builder bearerTokenFile(Path file) {
      this.tokenFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Require {@code Authorization: Bearer <token>} with the token in environment variable {@code
     * name}, read by {@link #build()}. While it is unset or blank every request gets 401.
     */
    public Builder bearerTokenEnv(String name) {
      this.tokenEnv = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Serve metrics to anyone who can reach the endpoint (a private network, a sidecar, a management
     * port only Prometheus reaches). A token source, when one is configured too, still wins.
     */
    public Builder allowAnonymous() {
      this.anonymous = true;
      return this;
    }

    /** Where system properties and environment variables are read; for tests. */
    Builder lookups(Function<String, String> systemProperties, Function<String, String> environment) {
      this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * The endpoint. The token source is chosen now: {@value ScrapeEndpoint#TOKEN_FILE_PROPERTY}, then {@value
     * ScrapeEndpoint#TOKEN_FILE_ENV}, then {@link #bearerTokenFile}, then {@link #bearerTokenEnv}.
     *
     * @throws IllegalStateException if neither a token source nor {@link #allowAnonymous()} was
     *     configured
     */
    public ScrapeEndpoint build() {
      try {
        return new ScrapeEndpoint(handler, BearerTokens.resolve(settings(systemProperties, environment),
            tokenFile, tokenEnv, anonymous, "the metrics endpoint"));
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + ": call bearerTokenFile(...), "
            + "bearerTokenEnv(...) or allowAnonymous()", e);
      }
    }
  }

  /** A byte array stream whose array is handed on without a copy. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }
}
