package com.englog.observability.metrics;

import java.util.function.UnaryOperator;

/**
 * How a system property or environment variable overrides a builder setting, the same for every
 * builder of this module: the system property wins, and a blank value counts as unset.
 */
final class Overrides {

  private Overrides() {}

  /** The value of {@code property}, else of {@code env}; null when neither is set to a non-blank value. */
  static String read(UnaryOperator<String> systemProperties, UnaryOperator<String> environment,
      String property, String env) {
    String v = systemProperties.apply(property);
    if (v == null || v.isBlank()) {
      v = environment.apply(env);
    }
    return v == null || v.isBlank() ? null : v;
  }
}
