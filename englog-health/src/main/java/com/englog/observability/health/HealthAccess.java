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
