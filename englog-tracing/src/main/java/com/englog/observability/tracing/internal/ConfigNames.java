package com.englog.observability.tracing.internal;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Finds the constant of a public enum ({@code OtlpProtocol}, {@code Propagation}) by the name the
 * {@code OTEL_*} settings use for it: trimmed, any case.
 *
 * <p>Not public API.
 */
public final class ConfigNames {

  private ConfigNames() {}

  /** The constant whose config name is {@code name}, or null. */
  public static <E extends Enum<E>> E find(E[] constants, Function<E, String> configName, String name) {
    String n = Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT);
    for (E constant : constants) {
      if (configName.apply(constant).equals(n)) {
        return constant;
      }
    }
    return null;
  }
}
