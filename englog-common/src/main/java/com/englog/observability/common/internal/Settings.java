package com.englog.observability.common.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Not public API.
 *
 * <p>Where every EngLog module reads the settings a deployment may override, with one precedence rule
 * and one naming scheme. Setting {@code token-file} of module {@code metrics} is the system property
 * {@code englog.metrics.token-file} or the environment variable {@code ENGLOG_METRICS_TOKEN_FILE}:
 * <ol>
 *   <li>the system property, if set to a non-blank value;
 *   <li>else the environment variable, if non-blank;
 *   <li>else the value given in code (a builder setting);
 *   <li>else the default.
 * </ol>
 * A name the module used before its current one is an alias: it is read right after the current name
 * of the same kind (property, then variable), and its first use logs one WARN naming the replacement.
 */
public final class Settings {

  private static final System.Logger LOG = System.getLogger(Settings.class.getName());
  private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  /** Old names already warned about, once per JVM. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final String module;
  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;
  private final Map<String, Alias> aliases;

  private Settings(String module, Function<String, String> systemProperties,
      Function<String, String> environment, Map<String, Alias> aliases) {
    this.module = module;
    this.systemProperties = systemProperties;
    this.environment = environment;
    this.aliases = aliases;
  }

  /** The settings of {@code module} read from the JVM's system properties and environment. */
  public static Settings of(String module) {
    return of(module, System::getProperty, System::getenv);
  }

  /**
   * The settings of {@code module} read through the given lookups (tests, or a service that keeps its
   * configuration elsewhere). Either lookup may return null for "unset".
   *
   * @throws IllegalArgumentException unless {@code module} is a lower-case word
   */
  public static Settings of(String module, Function<String, String> systemProperties,
      Function<String, String> environment) {
    Objects.requireNonNull(module, "module");
    if (!MODULE.matcher(module).matches()) {
      throw new IllegalArgumentException("module must be a lower-case word, was \"" + module + "\"");
    }
    return new Settings(module, Objects.requireNonNull(systemProperties, "systemProperties"),
        Objects.requireNonNull(environment, "environment"), Map.of());
  }

  /**
   * These settings, where {@code name} may also be given by its former system property and
   * environment variable (either may be null); documented in the migration notes, kept for one release.
   */
  public Settings withAlias(String name, String oldProperty, String oldVariable) {
    checkName(name);
    Map<String, Alias> next = new LinkedHashMap<>(aliases);
    next.put(name, new Alias(oldProperty, oldVariable));
    return new Settings(module, systemProperties, environment, Map.copyOf(next));
  }

  /** The module these settings belong to. */
  public String module() {
    return module;
  }

  /** The system property of setting {@code name}, e.g. {@code englog.metrics.token-file}. */
  public String property(String name) {
    checkName(name);
    return "englog." + module + "." + name;
  }

  /** The environment variable of setting {@code name}, e.g. {@code ENGLOG_METRICS_TOKEN_FILE}. */
  public String variable(String name) {
    checkName(name);
    return ("ENGLOG_" + module + "_" + name.replace('-', '_')).toUpperCase(Locale.ROOT);
  }

  /** The system property, else the environment variable, of {@code name}; null when neither is set. */
  public String get(String name) {
    Origin o = lookup(name);
    return o == null ? null : o.value;
  }

  /**
   * The value of {@code name} by the precedence rule: system property, environment variable, then
   * {@code code} (the builder's value, may be null), then {@code defaultValue} (may be null).
   */
  public String get(String name, String code, String defaultValue) {
    String v = get(name);
    if (v != null) {
      return v;
    }
    return code != null ? code : defaultValue;
  }

  /**
   * Where the value of {@code name} came from, for messages that tell the user which setting to fix
   * (e.g. {@code system property englog.metrics.token-file}); null when it is not set outside the code.
   */
  public String origin(String name) {
    Origin o = lookup(name);
    return o == null ? null : o.origin;
  }

  /**
   * The environment variable {@code variable} as these settings see it (their environment lookup, which
   * tests replace), for names outside the scheme such as a token variable chosen in code; null when unset.
   */
  public String environmentVariable(String variable) {
    return environment.apply(Objects.requireNonNull(variable, "variable"));
  }

  /** Both names of {@code name}, for messages: {@code englog.x.y / ENGLOG_X_Y}. */
  public String describe(String name) {
    return property(name) + " / " + variable(name);
  }

  private Origin lookup(String name) {
    String property = property(name);
    Alias alias = aliases.get(name);
    String v = nonBlank(systemProperties.apply(property));
    if (v != null) {
      return new Origin(v, "system property " + property);
    }
    if (alias != null && alias.property != null) {
      v = nonBlank(systemProperties.apply(alias.property));
      if (v != null) {
        warnOld("system property " + alias.property, "system property " + property);
        return new Origin(v, "system property " + alias.property);
      }
    }
    String variable = variable(name);
    v = nonBlank(environment.apply(variable));
    if (v != null) {
      return new Origin(v, "environment variable " + variable);
    }
    if (alias != null && alias.variable != null) {
      v = nonBlank(environment.apply(alias.variable));
      if (v != null) {
        warnOld("environment variable " + alias.variable, "environment variable " + variable);
        return new Origin(v, "environment variable " + alias.variable);
      }
    }
    return null;
  }

  private static void warnOld(String old, String current) {
    if (WARNED.add(old)) {
      LOG.log(System.Logger.Level.WARNING, old + " is a former name and will stop working in the next "
          + "release; use " + current + " instead");
    }
  }

  private static String nonBlank(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a setting name is lower-case kebab-case, was \"" + name + "\"");
    }
  }

  private static final class Alias {
    final String property;
    final String variable;

    Alias(String property, String variable) {
      this.property = property;
      this.variable = variable;
    }
  }

  private static final class Origin {
    final String value;
    final String origin;

    Origin(String value, String origin) {
      this.value = value;
      this.origin = origin;
    }
  }
}
