package com.englog.observability.health;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
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
    Objects.requireNonNull(token, "token");
    return new HealthAccess("bearer token from " + token) {
      // The expected token and its digest, recomputed only when the secret changes.
      private volatile Hashed hashed;

      @Override
      public boolean mayViewDetails(HealthRequest request) {
        Optional<String> expected = token.value();
        String header = request.header("Authorization");
        if (expected.isEmpty() || header == null || header.length() < 7
            || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
          return false;
        }
        Hashed h = hashed;
        if (h == null || !h.value.equals(expected.get())) {
          h = new Hashed(expected.get(), sha256(expected.get()));
          hashed = h;
        }
        return MessageDigest.isEqual(sha256(header.substring(7).strip()), h.hash);
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
   * {@code token}; the token from the file {@code englog.health.token.file} / {@code
   * ENGLOG_HEALTH_TOKEN_FILE}, else the variable {@code ENGLOG_HEALTH_TOKEN}. Without any of these:
   * {@link #never()}; with only a token configured: {@code token}.
   *
   * <pre>{@code
   * HealthAccess access = HealthAccess.fromConfiguration(System::getProperty, System::getenv);
   * }</pre>
   *
   * @throws IllegalArgumentException for an unknown mode, or {@code token} without a token source
   */
  public static HealthAccess fromConfiguration(
      java.util.function.Function<String, String> systemProperties,
      java.util.function.Function<String, String> environment) {
    Objects.requireNonNull(systemProperties, "systemProperties");
    Objects.requireNonNull(environment, "environment");
    String tokenFile = first(systemProperties.apply("englog.health.token.file"),
        environment.apply("ENGLOG_HEALTH_TOKEN_FILE"));
    String tokenEnv = environment.apply("ENGLOG_HEALTH_TOKEN");
    boolean hasToken = tokenFile != null || (tokenEnv != null && !tokenEnv.isBlank());
    String mode = first(systemProperties.apply("englog.health.details"), environment.apply("ENGLOG_HEALTH_DETAILS"));
    if (mode == null) {
      mode = hasToken ? "token" : "never";
    }
    switch (mode.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "never":
        return never();
      case "always":
        return always();
      case "token":
        if (tokenFile != null) {
          return bearerToken(Secret.fromFile(java.nio.file.Path.of(tokenFile)));
        }
        if (hasToken) {
          return bearerToken(Secret.fromEnv("ENGLOG_HEALTH_TOKEN", environment));
        }
        throw new IllegalArgumentException("englog.health.details=token needs a token: set "
            + "englog.health.token.file, ENGLOG_HEALTH_TOKEN_FILE or ENGLOG_HEALTH_TOKEN");
      default:
        throw new IllegalArgumentException("englog.health.details must be never, always or token, was \""
            + mode + "\"");
    }
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }

  /** Whether the caller may see details. Must not throw; a failure means no. */
  public abstract boolean mayViewDetails(HealthRequest request);

  private static final class Hashed {
    final String value;
    final byte[] hash;

    Hashed(String value, byte[] hash) {
      this.value = value;
      this.hash = hash;
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "HealthAccess(" + description + ")";
  }
}
