package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Strict reading of encoder output: valid UTF-8, one line, one JSON object, no duplicate keys. */
final class Lines {

  static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private Lines() {}

  /** Parses one encoded line, asserting it is a single LF-terminated line of valid UTF-8 JSON. */
  static JsonNode parse(byte[] line) {
    assertThat(line).isNotEmpty();
    assertThat(line[line.length - 1]).as("line ends with LF").isEqualTo((byte) '\n');
    for (int i = 0; i < line.length - 1; i++) {
      if (line[i] == '\n' || line[i] == '\r') {
        throw new AssertionError("raw line break inside the line at byte " + i + ": " + text(line));
      }
    }
    assertValidUtf8(line);
    try {
      JsonNode node = STRICT.readTree(line);
      assertThat(node.isObject()).as("a JSON object: %s", text(line)).isTrue();
      return node;
    } catch (IOException e) {
      throw new AssertionError("not strict JSON: " + e.getMessage() + "\n" + text(line), e);
    }
  }

  static List<JsonNode> parseAll(byte[] output) {
    List<JsonNode> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < output.length; i++) {
      if (output[i] == '\n') {
        byte[] line = new byte[i + 1 - start];
        System.arraycopy(output, start, line, 0, line.length);
        out.add(parse(line));
        start = i + 1;
      }
    }
    assertThat(start).as("output ends with a complete line").isEqualTo(output.length);
    return out;
  }

  static void assertValidUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new AssertionError("invalid UTF-8: " + text(bytes), e);
    }
  }

  /** The line's field names in the order written. */
  static List<String> names(JsonNode line) {
    List<String> names = new ArrayList<>();
    line.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static JsonNode tree(String json) {
    try {
      return STRICT.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
