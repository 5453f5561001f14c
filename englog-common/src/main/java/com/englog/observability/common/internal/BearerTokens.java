package com.englog.observability.common.internal;

import com.englog.observability.common.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * Not public API.
 *
 * <p>Checks {@code Authorization: Bearer <token>} against a {@link Secret}, the one way every EngLog
 * endpoint does it. Both sides are hashed with SHA-256 and the digests compared with {@link
 * MessageDigest#isEqual}, so the time taken reveals neither the content nor the length of the expected
 * token. While the secret has no value (a missing or empty file), every request is refused.
 */
public final class BearerTokens {

  private final Secret secret;
  // The expected token and its digest, recomputed only when the secret's value changes.
  private volatile Expected expected;

  private BearerTokens(Secret secret) {
    this.secret = secret;
  }

  /** A check against {@code secret}'s current value. */
  public static BearerTokens of(Secret secret) {
    return new BearerTokens(Objects.requireNonNull(secret, "secret"));
  }

  /**
   * The token source of an endpoint by the precedence rule: setting {@code token-file} of {@code
   * settings} (system property, then environment variable), then the file or environment variable
   * given in code (read through {@code settings}' environment lookup). With none of them, null when {@code anonymous} was chosen explicitly.
   *
   * @param endpoint what the token protects, for the message ("the metrics endpoint")
   * @throws IllegalStateException with neither a token source nor {@code anonymous}; the message names
   *     every way to configure one
   */
  public static BearerTokens resolve(Settings settings, Path codeFile, String codeVariable,
      boolean anonymous, String endpoint) {
    String file = settings.get("token-file");
    if (file != null) {
      return of(Secret.fromFile(Path.of(file)));
    }
    if (codeFile != null) {
      return of(Secret.fromFile(codeFile));
    }
    if (codeVariable != null) {
      return of(Secret.fromEnv(codeVariable, settings::environmentVariable));
    }
    if (anonymous) {
      return null;
    }
    throw new IllegalStateException(endpoint + " needs a bearer token (a token file in code, "
        + settings.describe("token-file") + ", or an environment variable) or an explicit choice of "
        + "anonymous access");
  }

  /** True when {@code authorization} (an HTTP Authorization header, may be null) carries the token. */
  public boolean permits(String authorization) {
    Optional<String> current = secret.value();
    if (current.isEmpty() || authorization == null) {
      return false;
    }
    String header = authorization.strip();
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    Expected e = expected;
    if (e == null || !e.token.equals(current.get())) {
      e = new Expected(current.get(), sha256(current.get()));
      expected = e;
    }
    return MessageDigest.isEqual(e.digest, sha256(header.substring(7).strip()));
  }

  /** The secret checked against, for messages ({@code Secret(file …)}); never the value. */
  public Secret secret() {
    return secret;
  }

  @Override
  public String toString() {
    return "bearer token from " + secret;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }

  private static final class Expected {
    final String token;
    final byte[] digest;

    Expected(String token, byte[] digest) {
      this.token = token;
      this.digest = digest;
    }
  }
}
