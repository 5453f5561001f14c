package com.englog.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8OutputTest {

  private static String escaped(String s) {
    Utf8Output out = new Utf8Output(8);
    out.writeEscaped(s, 0, s.length());
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void escapesWhatJsonRequiresAndWhatTerminalsAndJavaScriptMisread() {
    assertThat(escaped("a\"b\\c")).isEqualTo("a\\\"b\\\\c");
    assertThat(escaped("\n\r\t\b\f")).isEqualTo("\\n\\r\\t\\b\\f");
    assertThat(escaped("\u0000\u0001\u001b\u007f")).isEqualTo("\\u0000\\u0001\\u001b\\u007f");
    assertThat(escaped("\u2028\u2029")).isEqualTo("\\u2028\\u2029");
    assertThat(escaped("/<>&'")).isEqualTo("/<>&'");
  }

  @Test
  void encodesUtf8AndReplacesLoneSurrogates() {
    assertThat(escaped("é€\uD83D\uDE00")).isEqualTo("é€\uD83D\uDE00");
    assertThat(escaped("a\uD800b\uDC00c\uD83D")).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
  }

  @Test
  void aSurrogatePairAcrossTheInternalChunkBoundaryStaysWhole() {
    for (int offset = 500; offset < 520; offset++) {
      String s = "a".repeat(offset) + "\uD83D\uDE00" + "z".repeat(600);
      assertThat(escaped(s)).as("pair at %d", offset).isEqualTo(s);
    }
  }

  @Test
  void insertMovesTheRestOnAndGrowsTheBuffer() {
    Utf8Output out = new Utf8Output(8);
    out.writeAscii("a".repeat(64));
    out.insert(0, (byte) '"');
    out.insert(out.position(), (byte) '"');
    out.insert(33, (byte) '|');
    assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
        .isEqualTo("\"" + "a".repeat(32) + "|" + "a".repeat(32) + "\"");
  }

  @Test
  void writesNumbersAndHex() {
    Utf8Output out = new Utf8Output(8);
    out.writeLong(Long.MIN_VALUE);
    out.write((byte) ' ');
    out.writeLong(0);
    out.write((byte) ' ');
    out.writeLong(-42);
    out.write((byte) ' ');
    out.writeLong(Long.MAX_VALUE);
    out.write((byte) ' ');
    out.writeHex64(0x00ab_cdefL);
    assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
        .isEqualTo("-9223372036854775808 0 -42 9223372036854775807 0000000000abcdef");
  }
}
