package com.englog.observability.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

  @TempDir Path dir;
  private final AtomicLong ticker = new AtomicLong();
  private final List<String> warnings = new ArrayList<>();
  private final Logger jul = Logger.getLogger(Secret.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      warnings.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureWarnings() {
    jul.addHandler(capture);
  }

  @AfterEach
  void release() {
    jul.removeHandler(capture);
  }

  private void advanceSeconds(long s) {
    ticker.addAndGet(TimeUnit.SECONDS.toNanos(s));
  }

  private static void write(Path file, String text, long epochSecond) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(epochSecond)));
  }

  @Test
  void fileValueIsStrippedAndRereadWhenTheFileChanges() throws Exception {
    Path f = dir.resolve("token");
    write(f, "first\n", 1000);
    Secret s = Secret.fromFile(f, ticker::get);
    assertThat(s.value()).contains("first");

    write(f, "second-value\n", 2000);
    assertThat(s.value()).as("not looked at again within a second").contains("first");
    advanceSeconds(1);
    assertThat(s.value()).contains("second-value");
    assertThat(s.isFile()).isTrue();
  }

  @Test
  void missingEmptyAndOversizedFilesMeanNoSecretWithOneWarningPerChange() throws Exception {
    Path f = dir.resolve("token");
    Secret s = Secret.fromFile(f, ticker::get);
    assertThat(s.value()).isEmpty();
    advanceSeconds(1);
    assertThat(s.value()).isEmpty();
    assertThat(warnings).hasSize(1).allMatch(w -> w.contains("does not exist"));

    write(f, "  \n", 1000);
    advanceSeconds(1);
    assertThat(s.value()).isEmpty();
    advanceSeconds(1);
    assertThat(s.value()).isEmpty();
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(1)).contains("is empty");

    write(f, "x".repeat(Secret.MAX_FILE_BYTES + 1), 2000);
    advanceSeconds(1);
    assertThat(s.value()).isEmpty();
    assertThat(warnings).hasSize(3);
    assertThat(warnings.get(2)).contains("larger than");

    write(f, "good", 3000);
    advanceSeconds(1);
    assertThat(s.value()).contains("good");
    Files.delete(f);
    advanceSeconds(1);
    assertThat(s.value()).isEmpty();
    assertThat(warnings).hasSize(4);
    assertThat(warnings).noneMatch(w -> w.contains("good"));
  }

  @Test
  void environmentAndFixedValuesTreatBlankAsAbsent() {
    assertThat(Secret.fromEnv("T", Map.of("T", " tok \n")::get).value()).contains("tok");
    assertThat(Secret.fromEnv("T", Map.of("T", "  ")::get).value()).isEmpty();
    assertThat(Secret.fromEnv("T", name -> null).value()).isEmpty();
    assertThat(Secret.of("").value()).isEmpty();
    assertThat(Secret.of("v").value()).contains("v");
  }

  @Test
  void toStringNamesTheSourceNeverTheValue() throws Exception {
    Path f = dir.resolve("token");
    write(f, "s3cr3t", 1000);
    Secret file = Secret.fromFile(f);
    file.value();
    assertThat(file.toString()).contains(f.toString()).doesNotContain("s3cr3t");
    assertThat(Secret.fromEnv("T", Map.of("T", "s3cr3t")::get).toString())
        .isEqualTo("Secret(environment variable T)");
    assertThat(Secret.of("s3cr3t").toString()).doesNotContain("s3cr3t");
  }
}
