package com.englog.observability.metrics.internal;

import com.englog.observability.common.internal.Settings;
import com.englog.observability.metrics.AiErrorClassifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Not public API.
 *
 * <p>What an {@code EnglogMetrics.Builder} collects, checked as it is set, and the system property /
 * environment overrides applied by {@link #resolve()}. The builder's javadoc documents each setting.
 */
public final class MetricsSettings {

  private Function<String, String> systemProperties = System::getProperty;
  private Function<String, String> environment = System::getenv;
  private MeterRegistry registry;
  private Clock clock;
  private SpanContext spanContext;
  private int seriesBudget;
  private int cardinalityLimit = Integer.MAX_VALUE;
  private final Map<String, Integer> limits = new LinkedHashMap<>();
  private int maxLabelValueLength;
  private boolean userIdLabel;
  private final Map<String, List<String>> declared = new LinkedHashMap<>();
  private AiErrorClassifier classifier;
  private boolean jvmMetrics = true;
  private List<Path> diskSpacePaths = List.of(Path.of(""));
  private Tags commonTags = Tags.empty();

  public MetricsSettings(int seriesBudget, int maxLabelValueLength) {
    this.seriesBudget = seriesBudget;
    this.maxLabelValueLength = maxLabelValueLength;
  }

  public void registry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  public void clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public void exemplars(SpanContext spanContext) {
    this.spanContext = Objects.requireNonNull(spanContext, "spanContext");
  }

  public void seriesBudget(int budget) {
    this.seriesBudget = checkBudget("seriesBudget", budget);
  }

  public void cardinalityLimit(int limit) {
    this.cardinalityLimit = checkLimit("cardinalityLimit", limit);
  }

  public void cardinalityLimit(String metric, int limit) {
    limits.put(Objects.requireNonNull(metric, "metric"), checkLimit("cardinalityLimit(" + metric + ")",
        limit));
  }

  public void maxLabelValueLength(int length) {
    if (length < 8 || length > 4096) {
      throw new IllegalArgumentException("maxLabelValueLength must be between 8 and 4096, was " + length);
    }
    this.maxLabelValueLength = length;
  }

  public void userIdLabel(boolean enabled) {
    this.userIdLabel = enabled;
  }

  public void declareLabelValues(String label, String... values) {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(values, "values");
    List<String> list = new ArrayList<>(declared.getOrDefault(label, List.of()));
    for (String v : values) {
      list.add(Objects.requireNonNull(v, "values[]"));
    }
    declared.put(label, list);
  }

  public void classifier(AiErrorClassifier classifier) {
    this.classifier = Objects.requireNonNull(classifier, "classifier");
  }

  public void jvmMetrics(boolean enabled) {
    this.jvmMetrics = enabled;
  }

  public void commonTags(String... keyValues) {
    Objects.requireNonNull(keyValues, "commonTags");
    if (keyValues.length == 0 || keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("commonTags must be key/value pairs, had " + keyValues.length
          + " strings");
    }
    for (int i = 0; i < keyValues.length; i++) {
      Objects.requireNonNull(keyValues[i], "commonTags[" + i + "]");
      if (i % 2 == 0 && keyValues[i].isBlank()) {
        throw new IllegalArgumentException("commonTags keys must not be blank, commonTags[" + i
            + "] was \"" + keyValues[i] + "\"");
      }
    }
    this.commonTags = commonTags.and(keyValues);
  }

  public void diskSpacePaths(Path... paths) {
    List<Path> list = new ArrayList<>();
    for (Path p : Objects.requireNonNull(paths, "paths")) {
      list.add(Objects.requireNonNull(p, "paths[]"));
    }
    this.diskSpacePaths = List.copyOf(list);
  }

  /** Where system properties and environment variables are read; for tests. */
  public void lookups(Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /**
   * Checks the combination and applies the system property / environment overrides.
   *
   * @throws IllegalArgumentException if an override has no valid value
   * @throws IllegalStateException if {@code clock} or {@code commonTags} is combined with a registry
   */
  public void resolve() {
    if (registry != null && clock != null) {
      throw new IllegalStateException("clock(...) configures the registry EnglogMetrics creates; "
          + "with registry(...) EnglogMetrics uses that registry's clock");
    }
    if (registry != null && commonTags.iterator().hasNext()) {
      throw new IllegalStateException("commonTags(...) configures the registry EnglogMetrics creates; "
          + "with registry(...) call registry.config().commonTags(...) before build(), and EngLog's "
          + "histograms carry them too");
    }
    Settings settings = Settings.of("metrics", systemProperties, environment);
    String seriesBudgetSetting = settings.get("series-budget");
    if (seriesBudgetSetting != null) {
      String origin = settings.origin("series-budget");
      try {
        seriesBudget = checkBudget(origin, Integer.parseInt(seriesBudgetSetting));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(origin + " must be an integer between 100 and "
            + "10000000, was " + seriesBudgetSetting, e);
      }
    }
    String limit = settings.get("cardinality-limit");
    if (limit != null) {
      String origin = settings.origin("cardinality-limit");
      try {
        cardinalityLimit = checkLimit(origin, Integer.parseInt(limit));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(origin + " must be an integer between 2 and "
            + "1000000, was " + limit, e);
      }
    }
    String userId = settings.get("user-id-label");
    if (userId != null) {
      userIdLabel = parseBoolean(settings.origin("user-id-label"), userId);
    }
    String jvm = settings.get("jvm");
    if (jvm != null) {
      jvmMetrics = parseBoolean(settings.origin("jvm"), jvm);
    }
  }

  private static int checkBudget(String field, int budget) {
    if (budget < 100 || budget > 10_000_000) {
      throw new IllegalArgumentException(field + " must be between 100 and 10000000, was " + budget);
    }
    return budget;
  }

  private static int checkLimit(String field, int limit) {
    if (limit < 2 || limit > 1_000_000) {
      throw new IllegalArgumentException(field + " must be between 2 and 1000000, was " + limit);
    }
    return limit;
  }

  private static boolean parseBoolean(String name, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw new IllegalArgumentException(name + " must be true or false, was " + value);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Clock clock() {
    return clock;
  }

  public SpanContext spanContext() {
    return spanContext;
  }

  public int seriesBudget() {
    return seriesBudget;
  }

  public int cardinalityLimit() {
    return cardinalityLimit;
  }

  public Map<String, Integer> limits() {
    return Map.copyOf(limits);
  }

  public int maxLabelValueLength() {
    return maxLabelValueLength;
  }

  public boolean userIdLabel() {
    return userIdLabel;
  }

  public Map<String, List<String>> declared() {
    return declared;
  }

  public AiErrorClassifier classifier() {
    return classifier;
  }

  public boolean jvmMetrics() {
    return jvmMetrics;
  }

  public List<Path> diskSpacePaths() {
    return diskSpacePaths;
  }

  public Tags commonTags() {
    return commonTags;
  }
}
