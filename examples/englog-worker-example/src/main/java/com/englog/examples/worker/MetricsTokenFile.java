package com.englog.examples.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The bearer token Prometheus must send to {@code /metrics}. In production it is a mounted secret
 * ({@code ENGLOG_EXAMPLE_METRICS_TOKEN_FILE}); for a demo without one, a random token is written to
 * {@code $TMPDIR/englog-worker-metrics-token}, readable by the current user only.
 */
final class MetricsTokenFile {

  private MetricsTokenFile() {}

  /** The configured token file, or a freshly generated one. */
  static Path resolve(WorkerConfig config, Map<String, String> env) throws IOException {
    if (config.metricsTokenFile().isPresent()) {
      return config.metricsTokenFile().get();
    }
    String tmp = env.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir"));
    return generate(Path.of(tmp).resolve(WorkerConfig.SERVICE_NAME + "-metrics-token"));
  }

  /**
   * Writes a new random token to {@code file}: first to a private temporary file beside it (mode
   * 600 from its creation, so the token is never readable by others), then moved into place.
   */
  static Path generate(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }
}
