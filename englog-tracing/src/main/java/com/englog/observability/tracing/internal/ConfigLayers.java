package com.englog.observability.tracing.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The three places an {@code otel.*} setting can come from, in OpenTelemetry autoconfigure's order:
 * a system property ({@code otel.service.name}) beats the environment variable
 * ({@code OTEL_SERVICE_NAME}), which beats what the application set in code. Autoconfigure reads the
 * real system properties and environment itself; this class is for the few things it cannot do:
 * tests injecting both ({@code configuration(props, env)}), defaults that depend on another setting
 * (the production sample ratio), and saying where a rejected value came from.
 *
 * <p>Keys are compared as autoconfigure compares them: lower case, {@code -} and {@code _} read as
 * {@code .}. As in autoconfigure, a blank value is a value.
 *
 * <p>Not public API.
 */
public final class ConfigLayers {

  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;
  private final Map<String, String> injectedProperties;
  private final Map<String, String> injectedEnvironment;
  private final Map<String, String> code;

  private ConfigLayers(Map<String, String> props, Map<String, String> env, Function<String, String> propsLookup,
      Function<String, String> envLookup, Map<String, String> code) {
    this.injectedProperties = props;
    this.injectedEnvironment = env;
    this.systemProperties = propsLookup;
    this.environment = envLookup;
    this.code = normalized(code);
  }

  /** The JVM's system properties and environment over {@code code}. */
  public static ConfigLayers system(Map<String, String> code) {
    return new ConfigLayers(null, null, System::getProperty, System::getenv, code);
  }

  /** Injected maps instead of the JVM's, over {@code code}; the real ones are never read. */
  public static ConfigLayers injected(Map<String, String> props, Map<String, String> env, Map<String, String> code) {
    Map<String, String> p = Map.copyOf(props);
    Map<String, String> e = Map.copyOf(env);
    return new ConfigLayers(p, e, p::get, e::get, code);
  }

  /** True when the system properties and environment are injected maps. */
  public boolean isInjected() {
    return injectedProperties != null;
  }

  /** {@code otel.bsp.max.queue.size}, {@code OTEL_BSP_MAX_QUEUE_SIZE} and {@code otel.bsp.max-queue-size} alike. */
  public static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
  }

  /** The environment variable autoconfigure reads for {@code key}: {@code otel.bsp.schedule.delay} → {@code OTEL_BSP_SCHEDULE_DELAY}. */
  public static String environmentName(String key) {
    return normalize(key).toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** The value after precedence, or null. */
  public String get(String key) {
    String k = normalize(key);
    String v = systemProperties.apply(k);
    if (v != null) {
      return v;
    }
    v = environment.apply(environmentName(k));
    return v != null ? v : code.get(k);
  }

  /** Where {@link #get} found {@code key}: {@code environment variable OTEL_X}, or null when unset. */
  public String origin(String key) {
    String k = normalize(key);
    if (systemProperties.apply(k) != null) {
      return "system property " + k;
    }
    if (environment.apply(environmentName(k)) != null) {
      return "environment variable " + environmentName(k);
    }
    return code.containsKey(k) ? "Tracing.Builder property " + k : null;
  }

  /** An environment variable that is not an {@code otel.*} setting, e.g. {@code HOSTNAME}. */
  public String environmentVariable(String name) {
    return environment.apply(name);
  }

  /**
   * For injected maps: what autoconfigure would read were they the real ones, over {@code defaults}
   * (EngLog's defaults and the code's values): every entry of both maps, normalized as autoconfigure
   * normalizes them, the properties winning.
   */
  public Map<String, String> injectedOver(Map<String, String> defaults) {
    if (!isInjected()) {
      throw new IllegalStateException("not injected");
    }
    Map<String, String> all = new LinkedHashMap<>(normalized(defaults));
    injectedEnvironment.forEach((k, v) -> all.put(normalize(k), v));
    injectedProperties.forEach((k, v) -> all.put(normalize(k), v));
    return all;
  }

  private static Map<String, String> normalized(Map<String, String> map) {
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(normalize(k), Objects.requireNonNull(v, k)));
    return out;
  }
}
