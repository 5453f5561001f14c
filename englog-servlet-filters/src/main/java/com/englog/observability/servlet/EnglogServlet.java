package com.englog.observability.servlet;

import ch.qos.logback.classic.LoggerContext;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheus.metrics.tracer.agent.OpenTelemetryAgentSpanContext;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * One call that gives a servlet application its observability: the {@link ObservabilityFilter} first in
 * the chain, {@link MetricsServlet} at {@code /metrics}, {@link HealthServlet} at {@code /health} and
 * {@code /health/*}, and the hooks between the leaves that would otherwise be startup code of every
 * service (see {@link Hook}). Call it from a {@code ServletContainerInitializer}, a {@code
 * ServletContextListener}, or wherever an embedded container hands out its {@code ServletContext} before
 * it starts:
 *
 * <pre>{@code
 * Tracing tracing = Tracing.builder().serviceName("englog-api").build();
 * EnglogMetrics metrics = EnglogMetrics.builder()
 *     .exemplars(EnglogServlet.exemplars(tracing))
 *     .build();
 * HealthRegistry health = HealthRegistry.builder()
 *     .meterRegistry(metrics.registry())
 *     .add("db", JdbcHealthIndicator.of(dataSource))
 *     .build();
 * EnglogServlet.install(servletContext, EnglogServlet.config()
 *     .metrics(metrics).tracing(tracing).health(health)
 *     .metricsTokenFile(Path.of("/run/secrets/metrics-token")));
 * }</pre>
 *
 * <p><b>Twice on one context is an error</b>: the second call throws an {@link IllegalStateException}
 * naming the first installation (filters and servlets cannot be unregistered, and two filters would count
 * every request twice). The hooks are published once per {@link EnglogMetrics}, however many contexts
 * install with it: a logback context or a {@link Tracing} given again is not counted again.
 *
 * <p>Spring Boot ignores a library's {@code ServletContainerInitializer}s and none is shipped; there,
 * register the same classes with {@code FilterRegistrationBean} and {@code ServletRegistrationBean}
 * (docs/servlet.md shows how).
 */
public final class EnglogServlet {

  /** The filter's registration name. */
  public static final String FILTER_NAME = "englog-observability";
  /** The metrics servlet's registration name. */
  public static final String METRICS_SERVLET_NAME = "englog-metrics";
  /** The health servlet's registration name (that of {@link HealthServlet#register}). */
  public static final String HEALTH_SERVLET_NAME = HealthServlet.DEFAULT_NAME;
  /** The {@code ServletContext} attribute holding the {@link Installation}, once installed. */
  public static final String INSTALLATION_ATTRIBUTE = EnglogServlet.class.getName() + ".installation";
  /** Default path of the metrics servlet. */
  public static final String DEFAULT_METRICS_PATH = "/metrics";
  /** Default base path of the health servlet. */
  public static final String DEFAULT_HEALTH_PATH = "/health";

  /** What {@link #install} wires between the leaves, beside registering the filter and servlets. */
  public enum Hook {
    /**
     * Histogram buckets carry the current span's {@code trace_id} and {@code span_id} in the OpenMetrics
     * exposition: checked, because only {@link EnglogMetrics.Builder#exemplars} can set it (use {@link
     * EnglogServlet#exemplars(Tracing)}).
     */
    EXEMPLARS,
    /** The logback context's redaction counts as {@code englog_security_redactions_total{kind}}. */
    REDACTION_COUNTS,
    /** Log events the bounded async appenders dropped, as {@code englog_logging_events_dropped_total{level}}. */
    DROPPED_LOG_EVENTS,
    /**
     * The tracing pipeline's counters: {@code englog_tracing_spans_dropped_total}, {@code _spans_failed_total},
     * {@code _contexts_rejected_total}, {@code _baggage_rejected_total} and the gauge {@code
     * englog_tracing_queue_spans}.
     */
    TRACING_COUNTERS,
    /**
     * {@code englog_health_*} on the metrics registry: checked, because only {@link
     * HealthRegistry.Builder#meterRegistry} can set it.
     */
    HEALTH_METRICS
  }

  private EnglogServlet() {}

  /** A configuration with every default: filter, {@code /metrics}, {@code /health}, every hook. */
  public static Config config() {
    return new Config();
  }

  /**
   * The exemplar source for {@link EnglogMetrics.Builder#exemplars}: client_java's {@code
   * OpenTelemetryAgentSpanContext} when {@code tracing} runs on the OpenTelemetry Java agent ({@link
   * Tracing.Mode#AGENT}) and the agent's API is reachable, else its {@code OpenTelemetrySpanContext}, which
   * reads {@code Span.current()} through the OpenTelemetry API.
   */
  public static SpanContext exemplars(Tracing tracing) {
    return exemplars(Objects.requireNonNull(tracing, "tracing").mode());
  }

  static SpanContext exemplars(Tracing.Mode mode) {
    if (mode == Tracing.Mode.AGENT && OpenTelemetryAgentSpanContext.isAvailable()) {
      return new OpenTelemetryAgentSpanContext();
    }
    return new OpenTelemetrySpanContext();
  }

  /**
   * Registers the filter (first, for {@code REQUEST} and {@code ASYNC} dispatches, on {@code /*}), the
   * metrics servlet and the health servlet (both async-supported) on {@code context}, and wires the hooks
   * ({@link Hook}). Everything is checked before anything is registered.
   *
   * @throws IllegalStateException when this context has an installation already; when the metrics were
   *     built without exemplars or the health registry without this metrics registry and the
   *     configuration did not opt out ({@link Config#withoutExemplars()}, {@link
   *     Config#withoutHealthMetrics()}); when the metrics servlet has neither a token source nor {@link
   *     Config#anonymousMetrics()}; when the context already has a filter or servlet of one of the names
   *     above; or when the context has been initialised already
   * @throws IllegalArgumentException when the filter settings are invalid (see {@link
   *     ObservabilityFilter.Builder})
   */
  public static Installation install(ServletContext context, Config config) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(config, "config");
    synchronized (context) {
      Object previous = context.getAttribute(INSTALLATION_ATTRIBUTE);
      if (previous != null) {
        throw new IllegalStateException("EnglogServlet is installed on this servlet context already ("
            + previous + "); install once per context: a second filter would count every request twice");
      }
      EnglogMetrics metrics = config.metrics != null ? config.metrics : FacadeDefaults.metrics();
      Tracing tracing = config.tracing != null ? config.tracing : FacadeDefaults.tracing();
      checkExemplars(config, metrics);
      checkHealthMetrics(config, metrics);

      ObservabilityFilter filter = null;
      if (config.filter) {
        ObservabilityFilter.Builder b = ObservabilityFilter.builder();
        b.exclude(config.metricsPath, config.healthPath, config.healthPath + "/*");
        config.filterSettings.accept(b);
        filter = b.metrics(metrics).tracing(tracing).build();
      }
      MetricsServlet metricsServlet = null;
      if (config.metricsServlet) {
        metricsServlet = new MetricsServlet(scrapeEndpoint(config, metrics));
      }
      HealthServlet healthServlet = null;
      if (config.healthServlet && config.health != null) {
        healthServlet = new HealthServlet(config.health);
      }
      checkNamesFree(context, filter != null, metricsServlet != null, healthServlet != null);

      if (filter != null) {
        FilterRegistration.Dynamic f = context.addFilter(FILTER_NAME, filter);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
      }
      if (metricsServlet != null) {
        ServletRegistration.Dynamic m = context.addServlet(METRICS_SERVLET_NAME, metricsServlet);
        m.setAsyncSupported(true);
        m.addMapping(config.metricsPath);
      }
      if (healthServlet != null) {
        ServletRegistration.Dynamic h = context.addServlet(HEALTH_SERVLET_NAME, healthServlet);
        h.setAsyncSupported(true);
        h.addMapping(config.healthPath, config.healthPath + "/*");
      }

      Set<Hook> hooks = EnumSet.noneOf(Hook.class);
      if (metrics.hasExemplars()) {
        hooks.add(Hook.EXEMPLARS);
      }
      if (config.health != null && config.health.meterRegistry().orElse(null) == metrics.registry()) {
        hooks.add(Hook.HEALTH_METRICS);
      }
      LoggerContext logback = config.loggerContext != null ? config.loggerContext : defaultLoggerContext();
      hooks.addAll(PublishedHooks.of(metrics).publish(metrics, tracing, logback));

      Installation installation = new Installation(filter != null, metricsServlet != null ? config.metricsPath
          : null, healthServlet != null ? config.healthPath : null, hooks);
      context.setAttribute(INSTALLATION_ATTRIBUTE, installation);
      return installation;
    }
  }

  private static void checkExemplars(Config config, EnglogMetrics metrics) {
    if (!config.exemplarsOptional && !metrics.hasExemplars()) {
      throw new IllegalStateException("EnglogServlet.install: the EnglogMetrics was built without exemplars, "
          + "so no histogram bucket can point at the span that recorded it. Build it with "
          + "EnglogMetrics.builder().exemplars(EnglogServlet.exemplars(tracing)), or call "
          + "EnglogServlet.config().withoutExemplars() to go without");
    }
  }

  private static void checkHealthMetrics(Config config, EnglogMetrics metrics) {
    if (config.health == null || config.healthMetricsOptional) {
      return;
    }
    MeterRegistry healthMeters = config.health.meterRegistry().orElse(null);
    if (healthMeters == null) {
      throw new IllegalStateException("EnglogServlet.install: the HealthRegistry was built without a meter "
          + "registry, so englog_health_* would be missing from /metrics. Build it with "
          + "HealthRegistry.builder().meterRegistry(metrics.registry()), or call "
          + "EnglogServlet.config().withoutHealthMetrics() to go without");
    }
    if (healthMeters != metrics.registry()) {
      throw new IllegalStateException("EnglogServlet.install: the HealthRegistry publishes its metrics on "
          + "another meter registry than the EnglogMetrics' (" + healthMeters.getClass().getName() + "), so "
          + "englog_health_* would be missing from /metrics. Build it with "
          + "HealthRegistry.builder().meterRegistry(metrics.registry()), or call "
          + "EnglogServlet.config().withoutHealthMetrics() if they are published elsewhere");
    }
  }

  private static ScrapeEndpoint scrapeEndpoint(Config config, EnglogMetrics metrics) {
    if (config.metricsEndpoint != null) {
      return config.metricsEndpoint;
    }
    ScrapeEndpoint.Builder b = ScrapeEndpoint.builder(metrics.scrapeHandler());
    if (config.metricsTokenFile != null) {
      b.bearerTokenFile(config.metricsTokenFile);
    }
    if (config.metricsTokenEnv != null) {
      b.bearerTokenEnv(config.metricsTokenEnv);
    }
    if (config.anonymousMetrics) {
      b.allowAnonymous();
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("EnglogServlet.install: the metrics servlet needs a bearer token or an "
          + "explicit choice of anonymous access: call metricsTokenFile(path) or metricsTokenEnv(name), set "
          + "the system property " + ScrapeEndpoint.TOKEN_FILE_PROPERTY + " or the environment variable "
          + ScrapeEndpoint.TOKEN_FILE_ENV + ", call anonymousMetrics() to serve anyone who can reach it, or "
          + "withoutMetricsServlet()", e);
    }
  }

  private static void checkNamesFree(ServletContext context, boolean filter, boolean metrics, boolean health) {
    List<String> taken = new ArrayList<>();
    if (filter && context.getFilterRegistration(FILTER_NAME) != null) {
      taken.add("filter " + FILTER_NAME);
    }
    if (metrics && context.getServletRegistration(METRICS_SERVLET_NAME) != null) {
      taken.add("servlet " + METRICS_SERVLET_NAME);
    }
    if (health && context.getServletRegistration(HEALTH_SERVLET_NAME) != null) {
      taken.add("servlet " + HEALTH_SERVLET_NAME);
    }
    if (!taken.isEmpty()) {
      throw new IllegalStateException("EnglogServlet.install: this servlet context has a " + String.join(
          " and a ", taken) + " already (registered from web.xml or by hand?); register the pieces one way");
    }
  }

  private static @Nullable LoggerContext defaultLoggerContext() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    return factory instanceof LoggerContext ? (LoggerContext) factory : null;
  }

  /**
   * What {@link #install} registers and wires. Every setting has a default; the collaborators default to
   * the application's facades ({@code Metrics.get()}, {@code Traces.get()}) like those of a filter made
   * from {@code web.xml}, and there is no health servlet without {@link #health}.
   */
  public static final class Config {
    private @Nullable EnglogMetrics metrics;
    private @Nullable Tracing tracing;
    private @Nullable HealthRegistry health;
    private @Nullable LoggerContext loggerContext;
    private Consumer<ObservabilityFilter.Builder> filterSettings = b -> { };
    private boolean filter = true;
    private boolean metricsServlet = true;
    private boolean healthServlet = true;
    private String metricsPath = DEFAULT_METRICS_PATH;
    private String healthPath = DEFAULT_HEALTH_PATH;
    private @Nullable Path metricsTokenFile;
    private @Nullable String metricsTokenEnv;
    private boolean anonymousMetrics;
    private @Nullable ScrapeEndpoint metricsEndpoint;
    private boolean exemplarsOptional;
    private boolean healthMetricsOptional;

    private Config() {}

    /** The metrics the filter records into and {@code /metrics} serves; default {@code Metrics.get()}. */
    public Config metrics(EnglogMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** The tracing the filter's spans go to and whose counters are published; default {@code Traces.get()}. */
    public Config tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /** The registry {@code /health} serves; without one there is no health servlet. */
    public Config health(HealthRegistry health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /**
     * The logback context whose redaction and dropped-event counts are published; default SLF4J's (when
     * SLF4J is bound to logback; otherwise those two hooks are left out).
     */
    public Config loggerContext(LoggerContext loggerContext) {
      this.loggerContext = Objects.requireNonNull(loggerContext, "loggerContext");
      return this;
    }

    /**
     * Settings of the filter: route resolver, request details, exclusions, trusted proxies, access log…
     * The exclusions default to the metrics and health paths of this configuration (also when their
     * servlets are turned off: scrapes and probes must not enter the API's SLOs); the metrics and tracing
     * are always this configuration's.
     */
    public Config filter(Consumer<ObservabilityFilter.Builder> settings) {
      this.filterSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** The metrics servlet's path (default {@value EnglogServlet#DEFAULT_METRICS_PATH}). */
    public Config metricsPath(String path) {
      this.metricsPath = path(path, "metricsPath");
      return this;
    }

    /** The health servlet's base path (default {@value EnglogServlet#DEFAULT_HEALTH_PATH}). */
    public Config healthPath(String path) {
      this.healthPath = path(path, "healthPath");
      return this;
    }

    /** {@code /metrics} requires {@code Authorization: Bearer <token>}, the token held in {@code file}. */
    public Config metricsTokenFile(Path file) {
      this.metricsTokenFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** {@code /metrics} requires the bearer token held in the environment variable {@code name}. */
    public Config metricsTokenEnv(String name) {
      this.metricsTokenEnv = Objects.requireNonNull(name, "name");
      return this;
    }

    /** {@code /metrics} answers anyone who can reach it (a token source, when configured too, still wins). */
    public Config anonymousMetrics() {
      this.anonymousMetrics = true;
      return this;
    }

    /** {@code /metrics} answers through this endpoint; the token settings above are not used. */
    public Config metricsEndpoint(ScrapeEndpoint endpoint) {
      this.metricsEndpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** No {@link ObservabilityFilter}. */
    public Config withoutFilter() {
      this.filter = false;
      return this;
    }

    /** No metrics servlet (serve {@code /metrics} elsewhere, e.g. on a management port). */
    public Config withoutMetricsServlet() {
      this.metricsServlet = false;
      return this;
    }

    /** No health servlet, even with a {@link #health} registry (its metrics are still checked). */
    public Config withoutHealthServlet() {
      this.healthServlet = false;
      return this;
    }

    /** Accept metrics built without exemplars instead of failing. */
    public Config withoutExemplars() {
      this.exemplarsOptional = true;
      return this;
    }

    /** Accept a health registry whose metrics are not on the metrics registry instead of failing. */
    public Config withoutHealthMetrics() {
      this.healthMetricsOptional = true;
      return this;
    }

    private static String path(String path, String what) {
      Objects.requireNonNull(path, what);
      if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("*")) {
        throw new IllegalArgumentException(what + " must be a path like /metrics (a leading /, no trailing / "
            + "or *), was \"" + path + "\"");
      }
      return path;
    }
  }

  /** What an {@link #install} registered and wired; also in the context attribute {@link #INSTALLATION_ATTRIBUTE}. */
  public static final class Installation {
    private final boolean filter;
    private final @Nullable String metricsPath;
    private final @Nullable String healthPath;
    private final Set<Hook> hooks;

    Installation(boolean filter, @Nullable String metricsPath, @Nullable String healthPath, Set<Hook> hooks) {
      this.filter = filter;
      this.metricsPath = metricsPath;
      this.healthPath = healthPath;
      Set<Hook> copy = EnumSet.noneOf(Hook.class);
      copy.addAll(hooks);
      this.hooks = Collections.unmodifiableSet(copy);
    }

    /** Whether the filter was registered (as {@value EnglogServlet#FILTER_NAME}). */
    public boolean filter() {
      return filter;
    }

    /** The metrics servlet's path, when it was registered. */
    public Optional<String> metricsPath() {
      return Optional.ofNullable(metricsPath);
    }

    /** The health servlet's base path, when it was registered. */
    public Optional<String> healthPath() {
      return Optional.ofNullable(healthPath);
    }

    /** The hooks in place on the metrics registry after this installation. */
    public Set<Hook> hooks() {
      return hooks;
    }

    @Override
    public String toString() {
      return "EnglogServlet.Installation{filter=" + filter + ", metrics=" + metricsPath + ", health="
          + healthPath + ", hooks=" + hooks + "}";
    }
  }
}
