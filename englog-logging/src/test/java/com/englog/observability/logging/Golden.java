package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files for wire formats, under src/test/resources/golden. Regenerate after a deliberate format
 * change with {@code -Denglog.golden.update=true}, then review the diff like code.
 */
final class Golden {

  private static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  static void assertMatches(String name, byte[] actual) {
    Path file = DIR.resolve(name);
    try {
      if (Boolean.getBoolean("englog.golden.update")) {
        Files.createDirectories(DIR);
        Files.write(file, actual);
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(new String(actual, StandardCharsets.UTF_8)).as("golden file %s", file).isEqualTo(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
