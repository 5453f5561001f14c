package com.englog.examples.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token {@code /metrics} requires. Configured: the file {@code ENGLOG_EXAMPLE_METRICS_TOKEN_FILE}
 * names. Not configured: a random token written to {@code $TMPDIR/englog-api-metrics-token}, readable by
 * this user only, so {@code curl -H "Authorization: Bearer $(cat …)"} and Prometheus'
 * {@code credentials_file} work without a secret in any command line.
 */
final class MetricsToken {

  private MetricsToken() {}

  /** The token file to use, generating one when {@code config} names none. */
  static Path file(ApiConfig config, String tmpDir) throws IOException {
    if (config.metricsTokenFile().isPresent()) {
      return config.metricsTokenFile().get();
    }
    Path file = Path.of(tmpDir, ApiConfig.SERVICE_NAME + "-metrics-token");
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
    return file;
  }
}
