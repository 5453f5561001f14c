package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenTest {

  @TempDir
  Path dir;

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDifferentLineFailsWithoutTouchingTheFile() throws IOException {
    Files.writeString(dir.resolve("line.json"), "{\"a\":1}\n");

    assertThatThrownBy(() -> Golden.assertMatches(dir, "line.json", utf8("{\"a\":2}\n"), false))
        .isInstanceOf(AssertionError.class);
    assertThat(dir.resolve("line.json")).hasContent("{\"a\":1}");
  }

  @Test
  void updateModeRewritesADifferentFileAndStillFailsTheTest() throws IOException {
    Files.writeString(dir.resolve("line.json"), "{\"a\":1}\n");

    assertThatThrownBy(() -> Golden.assertMatches(dir, "line.json", utf8("{\"a\":2}\n"), true))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("rewrote golden file");
    assertThat(Files.readString(dir.resolve("line.json"))).isEqualTo("{\"a\":2}\n");
  }

  @Test
  void updateModeCreatesAMissingFileAndFails() {
    assertThatThrownBy(() -> Golden.assertMatches(dir, "new.json", utf8("{}\n"), true))
        .isInstanceOf(AssertionError.class);
    assertThat(dir.resolve("new.json")).exists();
  }

  @Test
  void aMissingFileFailsOutsideUpdateMode() {
    assertThatThrownBy(() -> Golden.assertMatches(dir, "new.json", utf8("{}\n"), false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exists");
    assertThat(dir.resolve("new.json")).doesNotExist();
  }

  @Test
  void anUnchangedFilePassesInEitherMode() throws IOException {
    Files.writeString(dir.resolve("line.json"), "{\"a\":1}\n");

    Golden.assertMatches(dir, "line.json", utf8("{\"a\":1}\n"), false);
    Golden.assertMatches(dir, "line.json", utf8("{\"a\":1}\n"), true);
  }
}
