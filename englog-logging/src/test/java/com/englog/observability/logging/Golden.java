package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files for wire formats, under src/test/resources/golden. Regenerate after a deliberate format
 * change with {@code -Denglog.golden.update=true}: a file that differs is rewritten and its test fails,
 * so an update run never passes silently; review the diff like code and run again without the flag.
 */
final class Golden {

  static final String UPDATE_PROPERTY = "englog.golden.update";

  private static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  static void assertMatches(String name, byte[] actual) {
    assertMatches(DIR, name, actual, Boolean.getBoolean(UPDATE_PROPERTY));
  }

  static void assertMatches(Path dir, String name, byte[] actual, boolean update) {
    Path file = dir.resolve(name);
    String actualText = new String(actual, StandardCharsets.UTF_8);
    try {
      String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
      if (update && !actualText.equals(expected)) {
        Files.createDirectories(dir);
        Files.write(file, actual);
        fail("rewrote golden file %s; review the diff and run again without -D%s", file, UPDATE_PROPERTY);
      }
      assertThat(expected).as("golden file %s exists (create it with -D%s=true)", file, UPDATE_PROPERTY)
          .isNotNull();
      assertThat(actualText).as("golden file %s", file).isEqualTo(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
