package com.englog.observability.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A secret (token, password, API key) read from a file or an environment variable, never from a
 * command line or a committed file. A file is re-read when it changes (checked at most once a second),
 * so a rotated Kubernetes secret takes effect without a restart. {@link #toString()} never shows the
 * value.
 *
 * <pre>{@code
 * Secret token = Secret.fromFile(Path.of("/run/secrets/health-token"));
 * Secret apiKey = Secret.fromEnv("OPENAI_API_KEY");
 * }</pre>
 */
public final class Secret {

  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Larger files are not secrets but mistakes; they are refused rather than read into memory. */
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private final String description;
  private final Path file;
  private final String fixed;
  private volatile Cached cached;

  private Secret(String description, Path file, String fixed) {
    this.description = description;
    this.file = file;
    this.fixed = fixed;
  }

  /** The contents of {@code file}, without a trailing newline; absent while the file is missing or empty. */
  public static Secret fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new Secret("file " + file, file, null);
  }

  /** The value of environment variable {@code name}; absent when it is unset or empty. */
  public static Secret fromEnv(String name) {
    return fromEnv(name, System::getenv);
  }

  /** As {@link #fromEnv(String)}, reading variables through {@code environment} (tests, CLIs). */
  public static Secret fromEnv(String name, Function<String, @Nullable String> environment) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(environment, "environment");
    String value = environment.apply(name);
    return new Secret("environment variable " + name, null, value == null ? "" : value.strip());
  }

  /** A value the application obtained itself (e.g. from a vault client). */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    return new Secret("value", null, value);
  }

  /** The current value, if there is a non-empty one. */
  public Optional<String> value() {
    if (file == null) {
      return fixed.isEmpty() ? Optional.empty() : Optional.of(fixed);
    }
    Cached c = cached;
    long now = System.nanoTime();
    if (c != null && now - c.checkedAt < RECHECK_NANOS) {
      return c.value;
    }
    cached = c = reload(c, now);
    return c.value;
  }

  private Cached reload(Cached previous, long now) {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (previous != null && modified.equals(previous.modified) && size == previous.size) {
        return new Cached(previous.value, modified, size, now);
      }
      if (size > MAX_FILE_BYTES) {
        return new Cached(Optional.empty(), modified, size, now);
      }
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
      return new Cached(text.isEmpty() ? Optional.empty() : Optional.of(text), modified, size, now);
    } catch (IOException | SecurityException e) {
      return new Cached(Optional.empty(), null, -1, now);
    }
  }

  /** Where the secret comes from, e.g. "file /run/secrets/token"; never the value. */
  @Override
  public String toString() {
    return "Secret(" + description + ")";
  }

  private static final class Cached {
    final Optional<String> value;
    final FileTime modified;
    final long size;
    final long checkedAt;

    Cached(Optional<String> value, FileTime modified, long size, long checkedAt) {
      this.value = value;
      this.modified = modified;
      this.size = size;
      this.checkedAt = checkedAt;
    }
  }
}
