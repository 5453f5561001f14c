package com.englog.observability.metrics.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Not public API.
 *
 * <p>A bearer token from a file (re-read when the file changes, so a rotated secret takes effect
 * without a restart) or from a fixed value. Comparison hashes both sides with SHA-256 and compares the
 * digests with {@link MessageDigest#isEqual}, so the time taken reveals neither the content nor the
 * length of the expected token.
 */
public final class BearerToken {

  private static final System.Logger LOG = System.getLogger(BearerToken.class.getName());

  private final Path file;
  private volatile byte[] digest;
  private volatile FileTime modified;
  private volatile long size;
  private volatile boolean warned;

  private BearerToken(Path file, byte[] digest) {
    this.file = file;
    this.digest = digest;
  }

  /**
   * A token read from {@code file} (surrounding whitespace ignored).
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no token
   */
  public static BearerToken fromFile(Path file) {
    BearerToken t = new BearerToken(file, null);
    try {
      t.reload();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the metrics bearer token file " + file + ": " + e,
          e);
    }
    if (t.digest == null) {
      throw new IllegalArgumentException("the metrics bearer token file " + file + " is empty");
    }
    return t;
  }

  /**
   * A fixed token.
   *
   * @throws IllegalArgumentException if it is blank
   */
  public static BearerToken of(String token, String source) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the metrics bearer token from " + source + " is empty");
    }
    return new BearerToken(null, sha256(token.strip()));
  }

  /** True when {@code authorization} (an HTTP Authorization header, may be null) carries the token. */
  public boolean permits(String authorization) {
    byte[] expected = current();
    if (expected == null || authorization == null) {
      return false;
    }
    String header = authorization.strip();
    if (header.length() < 7 || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(header.substring(7).strip()));
  }

  private byte[] current() {
    if (file == null) {
      return digest;
    }
    try {
      FileTime m = Files.getLastModifiedTime(file);
      long s = Files.size(file);
      if (!m.equals(modified) || s != size) {
        reload();
      }
      warned = false;
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.log(System.Logger.Level.WARNING, "metrics bearer token file " + file
            + " is unreadable; refusing every scrape until it is back: " + e);
      }
      return null;
    }
    return digest;
  }

  private synchronized void reload() throws IOException {
    FileTime m = Files.getLastModifiedTime(file);
    long s = Files.size(file);
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    digest = token.isEmpty() ? null : sha256(token);
    modified = m;
    size = s;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }
}
