package com.englog.observability.servlet;

import com.englog.observability.common.Secret;
import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One servlet filter that gives a service its HTTP metrics, a SERVER span per request, correlated log
 * lines and an access log. Register it first (before security and framework filters), for the
 * {@code REQUEST} and {@code ASYNC} dispatcher types: forwards, includes and error pages are part of the
 * request that caused them and are never counted twice.
 *
 * <pre>{@code
 * // Programmatic (a ServletContainerInitializer or ServletContextListener):
 * ObservabilityFilter filter = ObservabilityFilter.builder()
 *     .metrics(metrics).tracing(tracing)
 *     .routeResolver(request -> (String) request.getAttribute("org.example.MATCHED_ROUTE"))
 *     .trustedProxies("10.0.0.0/8")
 *     .build();
 * FilterRegistration.Dynamic r = servletContext.addFilter("englog", filter);
 * r.setAsyncSupported(true);
 * r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
 * }</pre>
 *
 * <p>From {@code web.xml}, the no-arg constructor finds its collaborators in the {@link ContextAttributes}
 * and, failing that, in the application's facades ({@code Metrics.get()}, {@code Traces.get()}); init
 * parameters {@value #INIT_EXCLUDE}, {@value #INIT_EXCLUDE_FROM_LATENCY}, {@value #INIT_TRUSTED_PROXIES}
 * (comma-separated), {@value #INIT_COUNT_RESPONSE_BYTES}, {@value #INIT_LOG_QUERY_STRING} and
 * {@value #INIT_ACCESS_LOG} ({@code true}/{@code false}) and {@value #INIT_CORRELATION_HEADER} override the
 * defaults.
 *
 * <p>Per request: {@code englog_http_requests_total} and {@code englog_http_request_duration_seconds} with
 * the route template as {@code endpoint} (see {@link RouteResolver}, {@link #ROUTE_ATTRIBUTE}, and the
 * fixed buckets of {@link com.englog.observability.metrics.LabelValues}), a SERVER span named {@code
 * METHOD route} continuing the caller's trace (the OpenTelemetry agent's span is enriched instead when the
 * agent is attached), current on every container thread that works for the request, the correlation id
 * ({@value #DEFAULT_CORRELATION_HEADER}: kept when valid, else generated and counted in {@code
 * englog_http_correlation_ids_replaced_total}) in the MDC, on the span and in the response with the
 * {@code traceresponse} header, one access log line, and the security counters for 401, 403 and 429.
 * {@code /metrics} and {@code /health*} are left alone by default.
 *
 * <p>Thread-safe and lock-free per request.
 */
public final class ObservabilityFilter implements Filter {

  /**
   * Request attribute a framework sets to the route template it matched, e.g. {@code
   * /api/v1/journals/{id}}; used when no {@link RouteResolver} answered. Value {@value}.
   */
  public static final String ROUTE_ATTRIBUTE = "com.englog.observability.servlet.route";
  /** The correlation id header read and written by default. */
  public static final String DEFAULT_CORRELATION_HEADER = "X-Request-ID";
  /** The W3C response header carrying the request's trace and span id. */
  public static final String TRACERESPONSE_HEADER = "traceresponse";
  /** Paths left alone by default: scrapes and health probes would enter the API's SLOs. */
  public static final List<String> DEFAULT_EXCLUSIONS = List.of("/metrics", "/health*");
  /** Name of the access log's logger. */
  public static final String ACCESS_LOGGER = "com.englog.observability.servlet.access";

  /** Init parameter: paths left alone, replacing {@link #DEFAULT_EXCLUSIONS} (comma-separated). */
  public static final String INIT_EXCLUDE = "exclude";
  /** Init parameter: SSE and long-poll paths whose duration is not their stream's (comma-separated). */
  public static final String INIT_EXCLUDE_FROM_LATENCY = "exclude-from-latency";
  /** Init parameter: trusted proxies, IP addresses or CIDR ranges (comma-separated). */
  public static final String INIT_TRUSTED_PROXIES = "trusted-proxies";
  /** Init parameter: count response body bytes for the access log ({@code true}/{@code false}). */
  public static final String INIT_COUNT_RESPONSE_BYTES = "count-response-bytes";
  /** Init parameter: write the redacted query string in the access log ({@code true}/{@code false}). */
  public static final String INIT_LOG_QUERY_STRING = "log-query-string";
  /** Init parameter: write the access log ({@code true}, the default, or {@code false}). */
  public static final String INIT_ACCESS_LOG = "access-log";
  /** Init parameter: the correlation id header. */
  public static final String INIT_CORRELATION_HEADER = "correlation-header";

  private static final String USER_AGENT = "User-Agent";

  /** Request attribute holding the request's observation, for its asynchronous dispatches. */
  static final String OBSERVATION_ATTRIBUTE = Observation.class.getName();

  private final Builder settings;
  private volatile @Nullable FilterRuntime runtime;

  /** For the container ({@code web.xml}, {@code addFilter(name, ObservabilityFilter.class)}). */
  public ObservabilityFilter() {
    this(new Builder());
  }

  private ObservabilityFilter(Builder settings) {
    this.settings = settings;
    if (settings.metrics != null && settings.tracing != null) {
      this.runtime = runtime(settings, null);
    }
  }

  /** A builder for programmatic registration. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    if (runtime != null) {
      return;
    }
    Builder b = settings.copy();
    String v;
    if ((v = filterConfig.getInitParameter(INIT_EXCLUDE)) != null) {
      b.exclusions = PathPatterns.split(v);
    }
    if ((v = filterConfig.getInitParameter(INIT_EXCLUDE_FROM_LATENCY)) != null) {
      b.latencyExclusions = PathPatterns.split(v);
    }
    if ((v = filterConfig.getInitParameter(INIT_TRUSTED_PROXIES)) != null) {
      b.trustedProxies = PathPatterns.split(v);
    }
    if ((v = filterConfig.getInitParameter(INIT_COUNT_RESPONSE_BYTES)) != null) {
      b.countResponseBytes = Boolean.parseBoolean(v.strip());
    }
    if ((v = filterConfig.getInitParameter(INIT_LOG_QUERY_STRING)) != null) {
      b.logQueryString = Boolean.parseBoolean(v.strip());
    }
    if ((v = filterConfig.getInitParameter(INIT_ACCESS_LOG)) != null) {
      b.accessLog = Boolean.parseBoolean(v.strip());
    }
    if ((v = filterConfig.getInitParameter(INIT_CORRELATION_HEADER)) != null && !v.isBlank()) {
      b.correlationHeader = v.strip();
    }
    try {
      runtime = runtime(b, filterConfig.getServletContext());
    } catch (IllegalArgumentException e) {
      throw new ServletException("ObservabilityFilter " + filterConfig.getFilterName() + ": " + e.getMessage(), e);
    }
  }

  private static FilterRuntime runtime(Builder b, @Nullable ServletContext context) {
    EnglogMetrics metrics = b.metrics != null ? b.metrics
        : attribute(context, ContextAttributes.METRICS, EnglogMetrics.class);
    if (metrics == null) {
      metrics = FacadeDefaults.metrics();
    }
    Tracing tracing = b.tracing != null ? b.tracing : attribute(context, ContextAttributes.TRACING, Tracing.class);
    if (tracing == null) {
      tracing = FacadeDefaults.tracing();
    }
    RouteResolver resolver = b.routeResolver != null ? b.routeResolver
        : attribute(context, ContextAttributes.ROUTE_RESOLVER, RouteResolver.class);
    RequestDetails details = b.requestDetails != null ? b.requestDetails
        : attribute(context, ContextAttributes.REQUEST_DETAILS, RequestDetails.class);
    AccessLog accessLog = null;
    if (b.accessLog) {
      accessLog = new AccessLog(b.accessLogger != null ? b.accessLogger : StructuredLogger.of(ACCESS_LOGGER),
          b.logQueryString);
    }
    return new FilterRuntime(metrics, new ServerSpans(tracing, b.userPseudonymKey, b.recordRawUserId),
        new Routes(resolver, ROUTE_ATTRIBUTE), details != null ? details : RequestDetails.NONE, accessLog,
        PathPatterns.of(b.exclusions), PathPatterns.of(b.latencyExclusions),
        ClientAddresses.trusting(b.trustedProxies), b.correlationHeader, b.countResponseBytes,
        b.recordRawUserId);
  }

  private static <T> @Nullable T attribute(@Nullable ServletContext context, String name, Class<T> type) {
    if (context == null) {
      return null;
    }
    Object value = context.getAttribute(name);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("servlet context attribute " + name + " holds a "
          + value.getClass().getName() + ", not a " + type.getName());
    }
    return type.cast(value);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    FilterRuntime rt = runtime;
    if (rt == null || !(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletRequest request = (HttpServletRequest) req;
    DispatcherType type = request.getDispatcherType();
    if (type == DispatcherType.ASYNC) {
      asyncDispatch(request, res, chain);
      return;
    }
    if (type != DispatcherType.REQUEST || request.getAttribute(OBSERVATION_ATTRIBUTE) != null) {
      chain.doFilter(req, res);
      return;
    }
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    if (rt.excluded.matches(servletPath, pathInfo)) {
      chain.doFilter(req, res);
      return;
    }
    observe(rt, request, (HttpServletResponse) res, chain, rt.latencyExcluded.matches(servletPath, pathInfo));
  }

  @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
  private static void observe(FilterRuntime rt, HttpServletRequest request, HttpServletResponse response,
      FilterChain chain, boolean latencyExcluded) throws IOException, ServletException {
    long start = System.nanoTime();
    String method = request.getMethod();
    String correlationId = request.getHeader(rt.correlationHeader);
    if (!CorrelationIds.isValid(correlationId)) {
      correlationId = CorrelationIds.generate();
      rt.correlationIdsReplaced.increment();
    }
    String client = rt.clients.clientAddress(request);
    String userAgent = request.getHeader(USER_AGENT);
    Span span;
    Context context;
    if (rt.ownSpans) {
      Context parent = rt.spans.parent(request);
      span = rt.spans.start(parent, request, method, client, userAgent);
      context = parent.with(span);
    } else {
      context = Context.current();
      span = Span.fromContext(context);
    }
    span.setAttribute(ServerSpans.CORRELATION_ID, correlationId);
    response.setHeader(rt.correlationHeader, correlationId);
    String traceResponse = ServerSpans.traceResponse(span);
    if (traceResponse != null) {
      response.setHeader(TRACERESPONSE_HEADER, traceResponse);
    }
    Observation o = new Observation(rt, request, response, start, method, correlationId, client,
        userAgent, span, context, latencyExcluded);
    request.setAttribute(OBSERVATION_ATTRIBUTE, o);
    try (Observation.Entered entered = o.enter()) {
      try {
        chain.doFilter(new ObservedRequest(request, o), o.chainResponse());
      } catch (IOException | ServletException | RuntimeException | Error e) {
        o.failed(e);
        throw e;
      } finally {
        if (request.isAsyncStarted()) {
          o.listenTo(request.getAsyncContext());
        } else {
          o.finish();
        }
      }
    }
  }

  @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
  private static void asyncDispatch(HttpServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Object attribute = request.getAttribute(OBSERVATION_ATTRIBUTE);
    if (!(attribute instanceof Observation)) {
      chain.doFilter(request, response);
      return;
    }
    Observation o = (Observation) attribute;
    try (Observation.Entered entered = o.enter()) {
      chain.doFilter(new ObservedRequest(request, o), response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      o.failed(e);
      throw e;
    } finally {
      if (request.isAsyncStarted()) {
        o.listenTo(request.getAsyncContext());
      }
    }
  }

  @Override
  public void destroy() {
    // Collaborators belong to the application; nothing to close.
  }

  /**
   * Configures an {@link ObservabilityFilter}. Collaborators left unset are found when the container
   * initialises the filter, as for the no-arg constructor.
   *
   * <pre>{@code
   * ObservabilityFilter filter = ObservabilityFilter.builder()
   *     .metrics(metrics).tracing(tracing)
   *     .exclude("/metrics", "/health*", "/internal/*")      // replaces the defaults
   *     .excludeFromLatency("/events/stream")                 // SSE: counted, stream length not timed
   *     .trustedProxies("10.0.0.0/8")
   *     .requestDetails(details)
   *     .userPseudonymKey(Secret.fromFile(Path.of("/run/secrets/user-pseudonym-key")))
   *     .countResponseBytes(true)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private @Nullable EnglogMetrics metrics;
    private @Nullable Tracing tracing;
    private @Nullable RouteResolver routeResolver;
    private @Nullable RequestDetails requestDetails;
    private @Nullable StructuredLogger accessLogger;
    private boolean accessLog = true;
    private List<String> exclusions = DEFAULT_EXCLUSIONS;
    private List<String> latencyExclusions = List.of();
    private List<String> trustedProxies = List.of();
    private String correlationHeader = DEFAULT_CORRELATION_HEADER;
    private boolean countResponseBytes;
    private boolean logQueryString;
    private @Nullable Secret userPseudonymKey;
    private boolean recordRawUserId;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.metrics = metrics;
      b.tracing = tracing;
      b.routeResolver = routeResolver;
      b.requestDetails = requestDetails;
      b.accessLogger = accessLogger;
      b.accessLog = accessLog;
      b.exclusions = exclusions;
      b.latencyExclusions = latencyExclusions;
      b.trustedProxies = trustedProxies;
      b.correlationHeader = correlationHeader;
      b.countResponseBytes = countResponseBytes;
      b.logQueryString = logQueryString;
      b.userPseudonymKey = userPseudonymKey;
      b.recordRawUserId = recordRawUserId;
      return b;
    }

    /** Where the HTTP and security metrics go; default: context attribute, else {@code Metrics.get()}. */
    public Builder metrics(EnglogMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Where the spans go; default: context attribute, else {@code Traces.get()}. */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /** The framework's route templates; see {@link RouteResolver}. */
    public Builder routeResolver(RouteResolver routeResolver) {
      this.routeResolver = Objects.requireNonNull(routeResolver, "routeResolver");
      return this;
    }

    /** User, session and authentication failure details; see {@link RequestDetails}. */
    public Builder requestDetails(RequestDetails requestDetails) {
      this.requestDetails = Objects.requireNonNull(requestDetails, "requestDetails");
      return this;
    }

    /** Where the access log goes; default the logger {@value ObservabilityFilter#ACCESS_LOGGER}. */
    public Builder accessLogger(StructuredLogger accessLogger) {
      this.accessLogger = Objects.requireNonNull(accessLogger, "accessLogger");
      return this;
    }

    /** Whether to write the access log (default true). */
    public Builder accessLog(boolean enabled) {
      this.accessLog = enabled;
      return this;
    }

    /**
     * Paths with no metrics, span or access log line, replacing {@link #DEFAULT_EXCLUSIONS}: exact paths
     * or prefixes ending in {@code *}, inside the context path. Pass none to observe everything.
     *
     * @throws IllegalArgumentException if a pattern does not start with {@code /} or has an inner {@code *}
     */
    public Builder exclude(String... patterns) {
      List<String> list = List.of(patterns);
      PathPatterns.of(list);
      this.exclusions = list;
      return this;
    }

    /**
     * Server-sent-event and long-poll paths (same syntax as {@link #exclude}) whose stream length must
     * not enter the latency histogram: their requests are still counted in
     * {@code englog_http_requests_total} (and so in the error rate), but no duration of theirs is
     * observed in {@code englog_http_request_duration_seconds}. The span and the access log still have
     * the full duration.
     */
    public Builder excludeFromLatency(String... patterns) {
      List<String> list = List.of(patterns);
      PathPatterns.of(list);
      this.latencyExclusions = list;
      return this;
    }

    /**
     * Proxies whose {@code Forwarded} / {@code X-Forwarded-For} headers are believed: IP addresses or
     * CIDR ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}). Without any, {@code client.address} is
     * always the peer's address.
     *
     * @throws IllegalArgumentException if an entry is not an IP literal or CIDR range
     */
    public Builder trustedProxies(String... proxies) {
      List<String> list = Collections.unmodifiableList(new ArrayList<>(List.of(proxies)));
      ClientAddresses.trusting(list);
      this.trustedProxies = list;
      return this;
    }

    /** The correlation id header (default {@value ObservabilityFilter#DEFAULT_CORRELATION_HEADER}). */
    public Builder correlationHeader(String header) {
      if (Objects.requireNonNull(header, "header").isBlank()) {
        throw new IllegalArgumentException("correlationHeader must not be blank");
      }
      this.correlationHeader = header.strip();
      return this;
    }

    /**
     * Whether to count the response body bytes for the access log's {@code bytes_out} as they pass the
     * response the chain gets (default false: {@code bytes_out} is the {@code Content-Length} the
     * application set). When on, {@code getWriter()} returns a counting writer over the container's.
     */
    public Builder countResponseBytes(boolean enabled) {
      this.countResponseBytes = enabled;
      return this;
    }

    /** Whether the access log has the query string, secrets redacted (default false). */
    public Builder logQueryString(boolean enabled) {
      this.logQueryString = enabled;
      return this;
    }

    /**
     * The key of {@code enduser.pseudo.id}, an HMAC-SHA256 of the user id (plain hashes of small id
     * spaces are reversible). Without a key no pseudonym is set.
     */
    public Builder userPseudonymKey(Secret key) {
      this.userPseudonymKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Whether the raw user id goes on the span ({@code enduser.id}) and in the access log (default false). */
    public Builder recordRawUserId(boolean enabled) {
      this.recordRawUserId = enabled;
      return this;
    }

    /** The filter; ready at once when metrics and tracing were given, else when the container inits it. */
    public ObservabilityFilter build() {
      return new ObservabilityFilter(copy());
    }
  }
}
