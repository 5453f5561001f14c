package com.englog.observability.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A secret (bearer token, password, API key) read from a file or an environment variable, never from
 * a command line or a committed file. {@link #toString()} names where it comes from, never the value.
 *
 * <pre>{@code
 * Secret token = Secret.fromFile(Path.of("/run/secrets/metrics-token"));
 * Secret apiKey = Secret.fromEnv("OPENAI_API_KEY");
 * }</pre>
 *
 * <p>The rules are the same wherever EngLog reads a secret:
 * <ul>
 *   <li>A file is re-read when its modification time or size changes (looked at, at most, once a
 *       second), so a rotated Kubernetes secret takes effect without a restart. Surrounding whitespace,
 *       such as the trailing newline editors add, is not part of the value.
 *   <li>A missing, unreadable or empty file, or one larger than {@value #MAX_FILE_BYTES} bytes, means
 *       "no secret": an endpoint protected by it refuses every request until the file is right. One
 *       WARN line is logged each time the file enters such a state, not on every request.
 *   <li>An unset or blank environment variable means "no secret" too.
 * </ul>
 */
public final class Secret {

  /** Larger files are not secrets but mistakes; they are refused rather than read into memory. */
  public static final int MAX_FILE_BYTES = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(Secret.class.getName());
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String source;
  private final Path file;
  private final Optional<String> fixed;
  private final LongSupplier ticker;
  private volatile Cached cached;

  private Secret(String source, Path file, Optional<String> fixed, LongSupplier ticker) {
    this.source = source;
    this.file = file;
    this.fixed = fixed;
    this.ticker = ticker;
  }

  /** The contents of {@code file}, re-read when it changes; absent while the file is missing or empty. */
  public static Secret fromFile(Path file) {
    return fromFile(file, System::nanoTime);
  }

  /** As {@link #fromFile(Path)}, with {@code ticker} (nanoseconds) deciding when to look again; for tests. */
  static Secret fromFile(Path file, LongSupplier ticker) {
    Objects.requireNonNull(file, "file");
    return new Secret("file " + file, file, Optional.empty(), Objects.requireNonNull(ticker, "ticker"));
  }

  /** The value of environment variable {@code name}, read now; absent when it is unset or blank. */
  public static Secret fromEnv(String name) {
    return fromEnv(name, System::getenv);
  }

  /** As {@link #fromEnv(String)}, reading variables through {@code environment} (tests, CLIs). */
  public static Secret fromEnv(String name, Function<String, @Nullable String> environment) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(environment, "environment");
    return new Secret("environment variable " + name, null, nonBlank(environment.apply(name)),
        System::nanoTime);
  }

  /** A value the application obtained itself (e.g. from a vault client); blank means absent. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    return new Secret("value", null, nonBlank(value), System::nanoTime);
  }

  /** The current value, if there is a non-blank one. */
  public Optional<String> value() {
    if (file == null) {
      return fixed;
    }
    Cached c = cached;
    long now = ticker.getAsLong();
    if (c != null && now - c.checkedAt < RECHECK_NANOS) {
      return c.value;
    }
    return refresh(now);
  }

  /** True when this secret is read from a file (and so may appear, change or vanish at run time). */
  public boolean isFile() {
    return file != null;
  }

  private synchronized Optional<String> refresh(long now) {
    Cached previous = cached;
    if (previous != null && now - previous.checkedAt < RECHECK_NANOS) {
      return previous.value;
    }
    Cached next = read(previous, now);
    cached = next;
    if (next.problem != null && (previous == null || !next.problem.equals(previous.problem))) {
      LOG.log(System.Logger.Level.WARNING, "secret " + file + " " + next.problem
          + "; requests needing it are refused until it holds a value");
    }
    return next.value;
  }

  private Cached read(Cached previous, long now) {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (previous != null && modified.equals(previous.modified) && size == previous.size) {
        return new Cached(previous.value, modified, size, now, previous.problem);
      }
      if (size > MAX_FILE_BYTES) {
        return new Cached(Optional.empty(), modified, size, now,
            "is larger than " + MAX_FILE_BYTES + " bytes (" + size + ")");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        return new Cached(Optional.empty(), modified, size, now,
            "is larger than " + MAX_FILE_BYTES + " bytes");
      }
      Optional<String> value = nonBlank(new String(bytes, StandardCharsets.UTF_8));
      return new Cached(value, modified, size, now, value.isEmpty() ? "is empty" : null);
    } catch (NoSuchFileException e) {
      return new Cached(Optional.empty(), null, -1, now, "does not exist");
    } catch (IOException | SecurityException e) {
      return new Cached(Optional.empty(), null, -1, now, "cannot be read (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  private static Optional<String> nonBlank(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  /** Where the secret comes from, e.g. {@code Secret(file /run/secrets/token)}; never the value. */
  @Override
  public String toString() {
    return "Secret(" + source + ")";
  }

  private static final class Cached {
    final Optional<String> value;
    final FileTime modified;
    final long size;
    final long checkedAt;
    final String problem;

    Cached(Optional<String> value, FileTime modified, long size, long checkedAt, String problem) {
      this.value = value;
      this.modified = modified;
      this.size = size;
      this.checkedAt = checkedAt;
      this.problem = problem;
    }
  }
}
