package com.englog.observability.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Free space on the file system holding a path (logs, uploads, a local queue): DOWN below a number
 * of bytes, DEGRADED below a fraction of the total.
 *
 * <pre>{@code
 * .add("disk", DiskSpaceHealthIndicator.builder(Path.of("/var/lib/englog")).downBelow(512L << 20).build())
 * }</pre>
 */
public final class DiskSpaceHealthIndicator implements HealthIndicator {

  public static final long DEFAULT_DOWN_BELOW_BYTES = 10L * 1024 * 1024;
  public static final double DEFAULT_DEGRADED_BELOW_FRACTION = 0.05;

  private final Path path;
  private final long downBelow;
  private final double degradedBelow;

  private DiskSpaceHealthIndicator(Builder b) {
    this.path = b.path;
    this.downBelow = b.downBelow;
    this.degradedBelow = b.degradedBelow;
  }

  /** DOWN below 10 MiB free, DEGRADED below 5 % free. */
  public static DiskSpaceHealthIndicator of(Path path) {
    return builder(path).build();
  }

  public static Builder builder(Path path) {
    return new Builder(path);
  }

  @Override
  public Health check(HealthCheckContext context) throws IOException {
    FileStore store = Files.getFileStore(path);
    long free = store.getUsableSpace();
    long total = store.getTotalSpace();
    double fraction = total <= 0 ? 1.0 : (double) free / total;
    Health.Builder health;
    if (free < downBelow) {
      health = Health.down("only " + mib(free) + " free, below " + mib(downBelow));
    } else if (fraction < degradedBelow) {
      health = Health.degraded(String.format(java.util.Locale.ROOT, "only %.1f%% free, below %.1f%%",
          fraction * 100, degradedBelow * 100));
    } else {
      health = Health.up();
    }
    return health.detail("path", path.toString()).detail("free_bytes", free).detail("total_bytes", total)
        .build();
  }

  private static String mib(long bytes) {
    return bytes / (1024 * 1024) + " MiB";
  }

  @Override
  public String toString() {
    return "DiskSpaceHealthIndicator{" + path + "}";
  }

  /** Builds a {@link DiskSpaceHealthIndicator}. */
  public static final class Builder {
    private final Path path;
    private long downBelow = DEFAULT_DOWN_BELOW_BYTES;
    private double degradedBelow = DEFAULT_DEGRADED_BELOW_FRACTION;

    private Builder(Path path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    /** DOWN when fewer bytes than this are free; 0 or more. */
    public Builder downBelow(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("downBelow must be 0 or more bytes, was " + bytes);
      }
      this.downBelow = bytes;
      return this;
    }

    /** DEGRADED when less than this fraction of the total is free; 0 to 1. */
    public Builder degradedBelow(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("degradedBelow must be between 0 and 1, was " + fraction);
      }
      this.degradedBelow = fraction;
      return this;
    }

    public DiskSpaceHealthIndicator build() {
      return new DiskSpaceHealthIndicator(this);
    }
  }
}
