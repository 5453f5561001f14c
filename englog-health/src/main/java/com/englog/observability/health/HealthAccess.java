package com.englog.observability.health;

import com.englog.observability.common.Secret;
import com.englog.observability.common.internal.BearerTokens;
import com.englog.observability.common.internal.Settings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Who may see health details (components, reasons, timings). Everyone else gets the status only,
 * which is all a load balancer or Kubernetes probe needs.
 *
 * <pre>{@code
 * HealthAccess.bearerToken(Secret.fromFile(Path.of("/run/secrets/health-token")))
 * }</pre>
 */
public abstract class HealthAccess {

  /** Setting of module {@code health}: {@code never}, {@code always} or {@code token}. */
  private static final String DETAILS = "details";
  /** Setting of module {@code health}: the file holding the token. */
  private static final String TOKEN_FILE = "token-file";
  /** The environment variable holding the token itself (never a system property: command lines leak). */
  private static final String TOKEN_VARIABLE = "ENGLOG_HEALTH_TOKEN";

  private static final HealthAccess NEVER = new HealthAccess("never") {
    @Override
    public boolean mayViewDetails(HealthRequest request) {
      return false;
    }
  };
  private static final HealthAccess ALWAYS = new HealthAccess("always") {
    @Override
    public boolean mayViewDetails(HealthRequest request) {
      return true;
    }
  };

  private final String description;

  private HealthAccess(String description) {
    this.description = description;
  }

  /** Nobody sees details (the default). */
  public static HealthAccess never() {
    return NEVER;
  }

  /** Everybody sees details: only for endpoints not reachable from outside. */
  public static HealthAccess always() {
    return ALWAYS;
  }

  /**
   * Callers sending {@code Authorization: Bearer <token>} with the secret's current value. The
   * comparison takes the same time whatever the mismatch; a missing or empty secret authorises nobody.
   */
  public static HealthAccess bearerToken(Secret token) {
    BearerTokens tokens = BearerTokens.of(Objects.requireNonNull(token, "token"));
    return new HealthAccess(tokens.toString()) {
      @Override
      public boolean mayViewDetails(HealthRequest request) {
        return tokens.permits(request.header("Authorization"));
      }
    };
  }

  /** Callers for whom {@code predicate} holds (e.g. an already authenticated principal, an address). */
  public static HealthAccess when(Predicate<HealthRequest> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return new HealthAccess("predicate") {
      @Override
      public boolean mayViewDetails(HealthRequest request) {
        return predicate.test(request);
      }
    };
  }

  /**
   * The access configured outside the code, system property first, then environment variable:
   * {@code englog.health.details} / {@code ENGLOG_HEALTH_DETAILS} = {@code never}, {@code always} or
   * {@code token}; the token from the file named by {@code englog.health.token-file} / {@code
   * ENGLOG_HEALTH_TOKEN_FILE}, else from the variable {@code ENGLOG_HEALTH_TOKEN}. Without any of
   * these: {@link #never()}; with only a token configured: {@code token}. The former property {@code
   * englog.health.token.file} still works for this release and logs one WARN naming the new one.
   *
   * <pre>{@code
   * HealthAccess access = HealthAccess.fromConfiguration(System::getProperty, System::getenv);
   * }</pre>
   *
   * @throws IllegalArgumentException for an unknown mode, or {@code token} without a token source
   */
  public static HealthAccess fromConfiguration(Function<String, String> systemProperties,
      Function<String, String> environment) {
    Settings settings = Settings.of("health", systemProperties, environment)
        .withAlias(TOKEN_FILE, "englog.health.token.file", null);
    String tokenFile = settings.get(TOKEN_FILE);
    String tokenEnv = environment.apply(TOKEN_VARIABLE);
    boolean hasToken = tokenFile != null || (tokenEnv != null && !tokenEnv.isBlank());
    String mode = settings.get(DETAILS);
    if (mode == null) {
      mode = hasToken ? "token" : "never";
    }
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "never":
        return never();
      case "always":
        return always();
      case "token":
        if (tokenFile != null) {
          return bearerToken(Secret.fromFile(Path.of(tokenFile)));
        }
        if (hasToken) {
          return bearerToken(Secret.fromEnv(TOKEN_VARIABLE, environment));
        }
        throw new IllegalArgumentException(settings.property(DETAILS) + "=token needs a token: set "
            + settings.describe(TOKEN_FILE) + " or " + TOKEN_VARIABLE);
      default:
        throw new IllegalArgumentException(settings.property(DETAILS) + " must be never, always or "
            + "token, was \"" + mode + "\"");
    }
  }

  /** Whether the caller may see details. Must not throw; a failure means no. */
  public abstract boolean mayViewDetails(HealthRequest request);

  @Override
  public String toString() {
    return "HealthAccess(" + description + ")";
  }
}
