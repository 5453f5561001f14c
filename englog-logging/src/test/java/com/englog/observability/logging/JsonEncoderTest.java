package com.englog.observability.logging;

import static com.englog.observability.logging.Throwables.withFrames;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;

class JsonEncoderTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  static JsonEncoder started(java.util.function.Consumer<JsonEncoder> config) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(Events.CONTEXT);
    e.setLookups(p -> null, v -> null);
    config.accept(e);
    e.start();
    return e;
  }

  static JsonEncoder started() {
    return started(e -> { });
  }

  /** The event of the golden files: a bit of everything, with fixed stack traces. */
  static LoggingEvent goldenEvent() {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("request_id", "req-7f3a");
    mdc.put("englog.trace", TRACE);
    mdc.put("level", "from-mdc");
    mdc.put("password", "hunter2");
    IllegalStateException failure = withFrames(new IllegalStateException("save failed",
            withFrames(new IOException("connection refused, password=s3cr3t"),
                "com.englog.db.Pool.get(Pool.java:9)",
                "com.englog.api.JournalService.save(JournalService.java:40)",
                "com.englog.api.JournalController.post(JournalController.java:17)")),
        "com.englog.api.JournalService.save(JournalService.java:42)",
        "com.englog.api.JournalController.post(JournalController.java:17)");
    failure.addSuppressed(withFrames(new RuntimeException("rollback failed"),
        "com.englog.db.Tx.rollback(Tx.java:5)",
        "com.englog.api.JournalController.post(JournalController.java:17)"));
    return Events.event("Journal {} saved for {}")
        .args("j-42", "ada@example.com")
        .level(Level.ERROR)
        .mdc(mdc)
        .kv("entry_type", "gratitude")
        .kv("words", 120)
        .kv("ratio", 0.75)
        .kv("tags", List.of("morning", "short"))
        .kv("level", "from-kv")
        .marker(MarkerFactory.getMarker("AUDIT"))
        .error(failure)
        .build();
  }

  @Test
  void everyLevelIsWrittenUnderItsOwnName() {
    JsonEncoder encoder = started();
    for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
      assertThat(Lines.parse(encoder.encode(Events.event("x").level(level).build())).get("level").asText())
          .isEqualTo(level.levelStr);
    }
  }

  /** An event that breaks the normal path is still one valid line, which says why, and it is counted. */
  @Test
  void anEventThatBreaksTheEncoderIsWrittenAsAMinimalLine() {
    JsonEncoder encoder = started(e -> e.setServiceName("englog-api"));
    LoggingEvent brokenThread = new LoggingEvent("fqcn", Events.CONTEXT.getLogger("com.englog.Broken"), Level.WARN,
        "password=hunter2 saved", null, null) {
      @Override
      public String getThreadName() {
        throw new IllegalStateException("no thread");
      }
    };
    JsonNode line = Lines.parse(encoder.encode(brokenThread));
    assertThat(Lines.names(line)).containsExactly("timestamp", "level", "logger", "message", "encoder_error");
    assertThat(line.get("level").asText()).isEqualTo("WARN");
    assertThat(line.get("logger").asText()).isEqualTo("com.englog.Broken");
    assertThat(line.get("message").asText()).as("redacted like the normal line").isEqualTo("password=[REDACTED] saved");
    assertThat(line.get("encoder_error").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(encoder.encodingFailures()).isEqualTo(1);

    LoggingEvent brokenMessage = new LoggingEvent("fqcn", Events.CONTEXT.getLogger("com.englog.Broken"), Level.INFO,
        "x", null, null) {
      @Override
      public String getFormattedMessage() {
        throw new IllegalArgumentException("bad pattern");
      }
    };
    JsonNode second = Lines.parse(encoder.encode(brokenMessage));
    assertThat(second.get("message").isNull()).isTrue();
    assertThat(second.get("encoder_error").asText()).isEqualTo("java.lang.IllegalArgumentException");
    assertThat(encoder.encodingFailures()).isEqualTo(2);
  }

  @Test
  void goldenLineHasEveryFieldInOrder() {
    JsonEncoder encoder = started(e -> {
      e.setServiceName("englog-api");
      e.setEnvironment("production");
    });
    byte[] line = encoder.encode(goldenEvent());
    Lines.parse(line);
    Golden.assertMatches("full-event.json", line);
  }

  @Test
  void goldenLineInPrettyAndTextFormats() {
    byte[] pretty = started(e -> {
      e.setServiceName("englog-api");
      e.setFormat("pretty");
    }).encode(goldenEvent());
    assertThat(Lines.tree(Lines.text(pretty))).isEqualTo(
        Lines.parse(started(e -> e.setServiceName("englog-api")).encode(goldenEvent())));
    Golden.assertMatches("full-event.pretty.json", pretty);

    byte[] text = started(e -> {
      e.setServiceName("englog-api");
      e.setFormat("text");
    }).encode(goldenEvent());
    assertThat(Lines.text(text)).endsWith("\n").doesNotContain("\r").hasLineCount(1);
    Golden.assertMatches("full-event.txt", text);
  }

  @Test
  void timestampIsRfc3339UtcAtTheConfiguredPrecision() {
    long millis = 1_709_647_629_123L; // 2024-03-05T14:07:09.123Z
    LoggingEvent event = Events.event("x").build();
    event.setInstant(Instant.ofEpochSecond(millis / 1000, 123_456_789));
    assertThat(Lines.parse(started().encode(event)).get("timestamp").asText())
        .isEqualTo("2024-03-05T14:07:09.123Z");
    assertThat(Lines.parse(started(e -> e.setTimestampPrecision("micros")).encode(event))
        .get("timestamp").asText()).isEqualTo("2024-03-05T14:07:09.123456Z");
    assertThat(Lines.parse(started(e -> e.setTimestampPrecision("nanos")).encode(event))
        .get("timestamp").asText()).isEqualTo("2024-03-05T14:07:09.123456789Z");
  }

  @Test
  void timestampsMatchTheJdkFormatterAcrossCalendarEdges() {
    JsonEncoder encoder = started();
    DateTimeFormatter jdk = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    long[] samples = {0L, -1L, 951_782_399_999L /* 2000-02-28 */, 951_868_800_000L /* 2000-02-29 */,
        4_107_542_399_999L /* 2100-02-28 */, 253_402_300_799_999L /* 9999-12-31 */, -62_135_596_800_000L /* 0001-01-01 */,
        1_709_647_629_123L};
    java.util.Random random = new java.util.Random(7);
    List<Long> all = new ArrayList<>();
    for (long s : samples) {
      all.add(s);
    }
    for (int i = 0; i < 2000; i++) {
      all.add(random.nextLong() % 253_402_300_799_999L);
    }
    for (long ms : all) {
      String written = Lines.parse(encoder.encode(Events.event("x").timestamp(ms).build())).get("timestamp").asText();
      if (ms >= -62_167_219_200_000L) {
        assertThat(written).as("epoch ms %d", ms).isEqualTo(jdk.format(Instant.ofEpochMilli(ms)));
      }
    }
  }

  @Test
  void mdcAndKeyValueNamesNeverRepeatAStandardOrEarlierField() {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("level", "mdc-1");
    mdc.put("mdc.level", "mdc-2");
    mdc.put("message", "mdc-3");
    mdc.put("user", "mdc-4");
    LoggingEvent event = Events.event("hello")
        .mdc(mdc)
        .kv("user", "kv-1")
        .kv("user", "kv-2")
        .kv("level", "kv-3")
        .kv("timestamp", "kv-4")
        .kv("kv.user", "kv-5")
        .build();
    JsonNode line = Lines.parse(started().encode(event)); // strict parser: duplicates would fail here

    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("message").asText()).isEqualTo("hello");
    assertThat(line.get("mdc.level").asText()).isEqualTo("mdc-1");
    assertThat(line.get("mdc.mdc.level").asText()).isEqualTo("mdc-2"); // its own name was taken just before
    assertThat(line.get("mdc.message").asText()).isEqualTo("mdc-3");
    assertThat(line.get("user").asText()).isEqualTo("mdc-4");
    assertThat(line.get("kv.user").asText()).isEqualTo("kv-1");
    assertThat(line.get("kv.user_2").asText()).isEqualTo("kv-2");
    assertThat(line.get("kv.level").asText()).isEqualTo("kv-3");
    assertThat(line.get("kv.timestamp").asText()).isEqualTo("kv-4");
    assertThat(line.get("kv.kv.user").asText()).isEqualTo("kv-5");
    assertThat(line.get("timestamp").asText()).endsWith("Z");
  }

  @Test
  void namesThatDifferOnlyInLoneSurrogatesDoNotCollideOnTheWire() {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("\uD800", "a");
    mdc.put("\uDC00", "b");
    JsonNode line = Lines.parse(started().encode(Events.event("x").mdc(mdc).kv("\uD801", "c").build()));
    assertThat(line.get("\uFFFD").asText()).isEqualTo("a");
    assertThat(line.get("mdc.\uFFFD").asText()).isEqualTo("b");
    assertThat(line.get("kv.\uFFFD").asText()).isEqualTo("c");
  }

  /** Names over 256 characters are cut with the marker, never inside a surrogate pair; unique as cut. */
  @Test
  void longNamesAreCutAndStayUnique() {
    String a300 = "a".repeat(300);
    String a256 = "a".repeat(256) + "...[truncated]";
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put(a300, "first");
    mdc.put("a".repeat(256) + "b".repeat(44), "same first 256 characters");
    mdc.put("a".repeat(255) + "\uD83D\uDE00" + "c".repeat(10), "pair at the cut");
    mdc.put("z".repeat(256), "exactly 256");
    JsonNode line = Lines.parse(started().encode(Events.event("x").mdc(mdc)
        .kv(a300, "kv").kv("m", Map.of(a300, "nested")).build()));
    assertThat(line.get(a256).asText()).isEqualTo("first");
    assertThat(line.get("mdc." + a256).asText()).isEqualTo("same first 256 characters");
    assertThat(line.get("a".repeat(255) + "...[truncated]").asText()).isEqualTo("pair at the cut");
    assertThat(line.get("z".repeat(256)).asText()).isEqualTo("exactly 256");
    assertThat(line.get("kv." + a256).asText()).isEqualTo("kv");
    assertThat(line.get("m").get(a256).asText()).isEqualTo("nested");
  }

  /** The deny list decides on the name as logged, not as cut: the cut drops the part that matches. */
  @Test
  void aLongDenyListedNameIsRedactedThoughItsWrittenNameIsCut() {
    String key = "x".repeat(300) + "_password";
    String written = "x".repeat(256) + "...[truncated]";
    JsonNode line = Lines.parse(started().encode(Events.event("x").mdc(Map.of(key, "hunter2"))
        .kv(key, "hunter3").kv("m", Map.of(key, "hunter4")).build()));
    assertThat(line.get(written).asText()).isEqualTo("[REDACTED]");
    assertThat(line.get("kv." + written).asText()).isEqualTo("[REDACTED]");
    assertThat(line.get("m").get(written).asText()).isEqualTo("[REDACTED]");
  }

  @Test
  void collisionRenamingIsDeterministic() {
    Map<String, String> mdc = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      mdc.put("k" + i, "v" + i);
    }
    mdc.put("thread", "t");
    LoggingEvent event = Events.event("x").mdc(mdc).kv("k1", 1).kv("thread", 2).build();
    JsonEncoder encoder = started();
    byte[] first = encoder.encode(event);
    for (int i = 0; i < 20; i++) {
      assertThat(encoder.encode(event)).isEqualTo(first);
    }
    JsonNode line = Lines.parse(first);
    assertThat(line.get("mdc.thread").asText()).isEqualTo("t");
    assertThat(line.get("kv.k1").asLong()).isEqualTo(1);
    assertThat(line.get("kv.thread").asLong()).isEqualTo(2);
  }

  @Test
  void theOpenTelemetryAgentsOwnMdcCopyOfTheIdsIsNotWrittenTwice() {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("englog.trace", TRACE);
    mdc.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
    mdc.put("span_id", "b7ad6b7169203331");
    mdc.put("trace_flags", "01");
    JsonNode same = Lines.parse(started().encode(Events.event("x").mdc(mdc).build()));
    assertThat(same.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(same.has("mdc.trace_id")).isFalse();
    assertThat(same.has("mdc.span_id")).isFalse();

    mdc.put("trace_id", "11111111111111111111111111111111"); // a different id is kept, renamed
    JsonNode different = Lines.parse(started().encode(Events.event("x").mdc(mdc).build()));
    assertThat(different.get("mdc.trace_id").asText()).isEqualTo("11111111111111111111111111111111");
    assertThat(different.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void traceFieldsComeOnlyFromAWellFormedCapturedValue() {
    JsonNode none = Lines.parse(started().encode(Events.event("x").build()));
    assertThat(none.has("trace_id")).isFalse();
    assertThat(none.has("span_id")).isFalse();

    JsonNode bogus = Lines.parse(started().encode(
        Events.event("x").mdc(Map.of("englog.trace", "\"}{not-a-trace")).build()));
    assertThat(bogus.has("trace_id")).isFalse();
    assertThat(bogus.has("englog.trace")).isFalse();

    JsonNode good = Lines.parse(started().encode(Events.event("x").mdc(Map.of("englog.trace", TRACE)).build()));
    assertThat(good.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(good.get("span_id").asText()).isEqualTo("b7ad6b7169203331");
    assertThat(good.get("trace_flags").asText()).isEqualTo("01");
    assertThat(good.has("englog.trace")).isFalse();
  }

  enum Mood { CALM }

  @Test
  void keyValuesKeepTheirTypes() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("count", 3);
    nested.put("inner", Map.of("deep", List.of(1, 2)));
    LoggingEvent event = Events.event("typed")
        .kv("int", 7)
        .kv("long", 9_000_000_000L)
        .kv("double", 1.5)
        .kv("float", 2.25f)
        .kv("bool", true)
        .kv("nothing", null)
        .kv("big", new BigDecimal("12345678901234567890.5"))
        .kv("nan", Double.NaN)
        .kv("infinite", Double.POSITIVE_INFINITY)
        .kv("enum", Mood.CALM)
        .kv("list", List.of("a", 2, false))
        .kv("array", new int[] {4, 5})
        .kv("map", nested)
        .kv("object", new Object() {
          @Override
          public String toString() {
            return "custom";
          }
        })
        .build();
    JsonNode line = Lines.parse(started().encode(event));
    assertThat(line.get("int").isIntegralNumber()).isTrue();
    assertThat(line.get("int").asInt()).isEqualTo(7);
    assertThat(line.get("long").asLong()).isEqualTo(9_000_000_000L);
    assertThat(line.get("double").isNumber()).isTrue();
    assertThat(line.get("double").asDouble()).isEqualTo(1.5);
    assertThat(line.get("float").asDouble()).isEqualTo(2.25);
    assertThat(line.get("bool").isBoolean()).isTrue();
    assertThat(line.get("nothing").isNull()).isTrue();
    assertThat(line.get("big").isBigDecimal()).isTrue();
    assertThat(line.get("big").decimalValue()).isEqualByComparingTo("12345678901234567890.5");
    assertThat(line.get("nan").asText()).isEqualTo("NaN");
    assertThat(line.get("infinite").asText()).isEqualTo("Infinity");
    assertThat(line.get("enum").asText()).isEqualTo("CALM");
    assertThat(line.get("list").toString()).isEqualTo("[\"a\",2,false]");
    assertThat(line.get("array").toString()).isEqualTo("[4,5]");
    assertThat(line.get("map").toString()).isEqualTo("{\"count\":3,\"inner\":{\"deep\":[1,2]}}");
    assertThat(line.get("object").asText()).isEqualTo("custom");
  }

  @Test
  void nestedValuesAreBoundedInDepthAndSize() {
    List<Object> deep = new ArrayList<>();
    List<Object> cursor = deep;
    for (int i = 0; i < 10; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add(i);
    }
    Map<String, Integer> wide = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      wide.put("k" + i, i);
    }
    JsonNode line = Lines.parse(started().encode(
        Events.event("x").kv("deep", deep).kv("many", many).kv("wide", wide).build()));
    JsonNode node = line.get("deep");
    int depth = 0;
    while (node.isArray()) {
      node = node.get(0);
      depth++;
    }
    assertThat(depth).isEqualTo(4);
    assertThat(node.asText()).isEqualTo("[depth limit]");
    assertThat(line.get("many").size()).isEqualTo(65);
    assertThat(line.get("many").get(64).asText()).isEqualTo("[+936 more]");
    assertThat(line.get("wide").size()).isEqualTo(65);
    assertThat(line.get("wide").get("_more").asInt()).isEqualTo(36);
  }

  @Test
  void mapsAndArraysAreBoundedLikeCollections() {
    Object deepArray = "leaf";
    Map<String, Object> deepMap = Map.of("k", "leaf");
    for (int i = 0; i < 6; i++) {
      deepArray = new Object[] {deepArray};
      deepMap = Map.of("k", deepMap);
    }
    int[] wideArray = new int[100];
    int[] fullArray = new int[64];
    List<Integer> fullList = new ArrayList<>();
    Map<String, Integer> fullMap = new LinkedHashMap<>();
    for (int i = 0; i < 64; i++) {
      fullList.add(i);
      fullMap.put("k" + i, i);
      fullArray[i] = i;
    }
    JsonNode line = Lines.parse(started().encode(Events.event("x").kv("deepArray", deepArray)
        .kv("deepMap", deepMap).kv("wideArray", wideArray).kv("fullArray", fullArray).kv("fullList", fullList)
        .kv("fullMap", fullMap).kv("nested", Map.of("k", Map.of("k", 1))).build()));

    JsonNode node = line.get("deepArray");
    int depth = 0;
    while (node.isArray()) {
      node = node.get(0);
      depth++;
    }
    assertThat(depth).as("array nesting").isEqualTo(4);
    assertThat(node.asText()).isEqualTo("[depth limit]");
    node = line.get("deepMap");
    depth = 0;
    while (node.isObject()) {
      node = node.get("k");
      depth++;
    }
    assertThat(depth).as("map nesting").isEqualTo(4);
    assertThat(node.asText()).isEqualTo("[depth limit]");

    assertThat(line.get("wideArray").size()).isEqualTo(65);
    assertThat(line.get("wideArray").get(64).asText()).isEqualTo("[+36 more]");
    assertThat(line.get("fullArray").size()).as("64 entries: no marker").isEqualTo(64);
    assertThat(line.get("fullArray").get(63).asInt()).isEqualTo(63);
    assertThat(line.get("fullList").size()).isEqualTo(64);
    assertThat(line.get("fullList").get(63).asInt()).isEqualTo(63);
    assertThat(line.get("fullMap").size()).isEqualTo(64);
    assertThat(line.get("fullMap").has("_more")).isFalse();
    assertThat(line.get("nested").get("k").get("k").asInt()).as("a nested map has its own names").isEqualTo(1);
  }

  @Test
  void aValueThatCannotBeRenderedIsReplacedNotLost() {
    Object throwing = new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("boom");
      }
    };
    List<Object> a = new ArrayList<>();
    List<Object> b = new ArrayList<>();
    a.add(b);
    b.add(a); // cyclic: rendered down to the depth limit
    Object recursive = new Object() {
      @Override
      public String toString() {
        return "x" + this;
      }
    };
    Map<String, Object> failingMap = new HashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public java.util.Set<Map.Entry<String, Object>> entrySet() {
        throw new java.util.ConcurrentModificationException();
      }

      @Override
      public int size() {
        return 2;
      }
    };
    JsonEncoder encoder = started();
    byte[] bytes = encoder.encode(Events.event("msg {} {}").args(throwing, recursive)
        .kv("throwing", throwing).kv("cyclic", a).kv("recursive", recursive).kv("failingMap", failingMap)
        .kv("after", "still here").build());
    JsonNode line = Lines.parse(bytes);
    assertThat(line.get("message").asText()).isEqualTo("msg [FAILED toString()] [FAILED toString()]");
    assertThat(line.get("throwing").asText()).startsWith("[unrenderable ").contains("IllegalStateException");
    assertThat(line.get("recursive").asText()).startsWith("[unrenderable ").contains("StackOverflowError");
    assertThat(line.get("failingMap").asText()).contains("ConcurrentModificationException");
    assertThat(line.get("cyclic").toString()).isEqualTo("[[[[\"[depth limit]\"]]]]");
    assertThat(line.get("after").asText()).isEqualTo("still here");
    assertThat(encoder.encodingFailures()).isZero();
  }

  @Test
  void longValuesAreTruncatedWithAMarkerNeverDropped() {
    char[] big = new char[1_000_000];
    Arrays.fill(big, 'a');
    String message = new String(big);
    JsonEncoder encoder = started(e -> {
      e.setMaxMessageLength(100);
      e.setMaxFieldLength(20);
    });
    JsonNode line = Lines.parse(encoder.encode(Events.event(message)
        .mdc(Map.of("long", message)).kv("kv", message).thread(message).build()));
    assertThat(line.get("message").asText()).isEqualTo("a".repeat(100) + "...[truncated]");
    assertThat(line.get("long").asText()).isEqualTo("a".repeat(20) + "...[truncated]");
    assertThat(line.get("kv").asText()).isEqualTo("a".repeat(20) + "...[truncated]");
    assertThat(line.get("thread").asText()).isEqualTo("a".repeat(20) + "...[truncated]");

    JsonNode defaults = Lines.parse(started().encode(Events.event(message).build()));
    assertThat(defaults.get("message").asText()).hasSize(32_768 + "...[truncated]".length());
  }

  /** A value of exactly the limit is written whole, one character more is cut; with or without redaction. */
  @Test
  void aValueOfExactlyTheLimitIsNotTruncated() {
    JsonEncoder encoder = started(e -> {
      e.setMaxMessageLength(19);
      e.setMaxFieldLength(16);
    });
    JsonNode exact = Lines.parse(encoder.encode(Events.event("a".repeat(19)).kv("kv", "b".repeat(16)).build()));
    assertThat(exact.get("message").asText()).isEqualTo("a".repeat(19));
    assertThat(exact.get("kv").asText()).isEqualTo("b".repeat(16));
    JsonNode over = Lines.parse(encoder.encode(Events.event("a".repeat(20)).kv("kv", "b".repeat(17)).build()));
    assertThat(over.get("message").asText()).isEqualTo("a".repeat(19) + "...[truncated]");
    assertThat(over.get("kv").asText()).isEqualTo("b".repeat(16) + "...[truncated]");

    assertThat(Lines.parse(encoder.encode(Events.event("password=hunter2").build())).get("message").asText())
        .as("19 characters once redacted").isEqualTo("password=[REDACTED]");
    assertThat(Lines.parse(encoder.encode(Events.event("password=hunter2 x").build())).get("message").asText())
        .isEqualTo("password=[REDACTED]...[truncated]");
    assertThat(Lines.parse(encoder.encode(Events.event("x password=hunter2").build())).get("message").asText())
        .isEqualTo("x password=[REDACTE...[truncated]");
  }

  @Test
  void truncationAppliesToTheRedactedTextSoNoSecretSlipsIntoView() {
    String key = "-----BEGIN PRIVATE KEY-----\n" + "A".repeat(5_000) + "\n-----END PRIVATE KEY-----";
    JsonNode line = Lines.parse(started(e -> e.setMaxMessageLength(40))
        .encode(Events.event(key + " password=hunter2 " + "x".repeat(100)).build()));
    assertThat(line.get("message").asText()).isEqualTo("[REDACTED] password=[REDACTED] xxxxxxxxx...[truncated]");
  }

  @Test
  void truncationNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    String message = "a".repeat(15) + emoji + "tail";
    JsonNode line = Lines.parse(started(e -> e.setMaxMessageLength(16)).encode(Events.event(message).build()));
    assertThat(line.get("message").asText()).isEqualTo("a".repeat(15) + "...[truncated]");
  }

  @Test
  void exceptionIsStructuredWithCausesSuppressedAndLimits() {
    String[] deepFrames = new String[100];
    for (int i = 0; i < deepFrames.length; i++) {
      deepFrames[i] = "com.example.Deep.level" + i + "(Deep.java:" + (i + 1) + ")";
    }
    RuntimeException top = withFrames(new RuntimeException("top"), deepFrames);
    Throwable cursor = top;
    for (int i = 0; i < 30; i++) {
      Throwable cause = withFrames(new IllegalStateException("cause " + i), "com.example.C.c" + i + "(C.java:1)");
      cursor.initCause(cause);
      cursor = cause;
    }
    JsonNode error = Lines.parse(started(e -> {
      e.setMaxStackFrames(10);
      e.setMaxThrowables(4);
    }).encode(Events.event("failed").error(top).build())).get("error");

    assertThat(error.get("type").asText()).isEqualTo("java.lang.RuntimeException");
    assertThat(error.get("message").asText()).isEqualTo("top");
    assertThat(error.get("frames")).hasSize(10);
    assertThat(error.get("frames").get(0).asText()).isEqualTo("com.example.Deep.level0(Deep.java:1)");
    assertThat(error.get("frames_omitted").asInt()).isEqualTo(90);
    assertThat(error.get("stack_hash").asText()).matches("[0-9a-f]{16}");
    JsonNode c = error;
    int causes = 0;
    while (c.has("cause")) {
      c = c.get("cause");
      causes++;
      assertThat(c.has("stack_hash")).isFalse();
    }
    assertThat(causes).isEqualTo(3); // 4 throwables in all
    assertThat(c.get("cause_omitted").asBoolean()).isTrue();
  }

  @Test
  void suppressedExceptionsAndCommonFramesAreWrittenLikeTheJdkDoes() {
    JsonNode error = Lines.parse(started().encode(goldenEvent())).get("error");
    assertThat(error.get("frames")).hasSize(2);
    JsonNode cause = error.get("cause");
    assertThat(cause.get("frames").toString())
        .isEqualTo("[\"com.englog.db.Pool.get(Pool.java:9)\",\"com.englog.api.JournalService.save(JournalService.java:40)\"]");
    assertThat(cause.get("frames_common").asInt()).isEqualTo(1);
    JsonNode suppressed = error.get("suppressed");
    assertThat(suppressed).hasSize(1);
    assertThat(suppressed.get(0).get("type").asText()).isEqualTo("java.lang.RuntimeException");
    assertThat(suppressed.get(0).get("frames_common").asInt()).isEqualTo(1);
  }

  @Test
  void aFrameIsCutAtTheFieldLengthLikeAnyText() {
    String huge = "com.example.Generated$" + "x".repeat(5_000);
    IllegalStateException failure = withFrames(new IllegalStateException("x"), huge + ".run(Generated.java:1)",
        "com.example.Small.run(Small.java:2)");
    JsonEncoder encoder = started(e -> e.setMaxFieldLength(40));
    for (int i = 0; i < 2; i++) { // rendered, then from the cache (or, too big for it, rendered again)
      JsonNode frames = Lines.parse(encoder.encode(Events.event("x").error(failure).build())).get("error").get("frames");
      assertThat(frames.get(0).asText()).isEqualTo(huge.substring(0, 40) + "...[truncated]");
      assertThat(frames.get(1).asText()).isEqualTo("com.example.Small.run(Small.java:2)");
    }
  }

  @Test
  void stackHashIsTheSameWhetherFramesComeFromTheCacheOrNot() {
    JsonEncoder encoder = started();
    RuntimeException first = Throwables.chain(25);
    String expected = String.format("%016x",
        com.englog.observability.logging.internal.StackHash.of(new ch.qos.logback.classic.spi.ThrowableProxy(first)));
    List<String> hashes = new ArrayList<>();
    for (Throwable t : List.of(first, first, Throwables.chain(25), Throwables.chain(24))) {
      hashes.add(Lines.parse(encoder.encode(Events.event("x").error(t).build())).get("error").get("stack_hash").asText());
    }
    // Same failure: uncached, cached, another instance thrown from the same place; then a different one.
    assertThat(hashes.subList(0, 3)).containsOnly(expected);
    assertThat(hashes.get(3)).isNotEqualTo(expected);
  }

  @Test
  void aCircularCauseChainEnds() {
    IllegalStateException a = withFrames(new IllegalStateException("a"), "x.A.a(A.java:1)");
    IllegalArgumentException b = withFrames(new IllegalArgumentException("b"), "x.B.b(B.java:1)");
    a.initCause(b);
    b.initCause(a);
    JsonNode error = Lines.parse(started().encode(Events.event("loop").error(a).build())).get("error");
    assertThat(error.get("cause").get("cause").get("circular").asBoolean()).isTrue();
    assertThat(error.get("cause").get("cause").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void markersAreWrittenByName() {
    org.slf4j.Marker audit = MarkerFactory.getDetachedMarker("AUDIT");
    JsonNode line = Lines.parse(started().encode(Events.event("x").marker(audit)
        .marker(MarkerFactory.getDetachedMarker("SECURITY")).build()));
    assertThat(line.get("markers").toString()).isEqualTo("[\"AUDIT\",\"SECURITY\"]");
  }

  @Test
  void fieldsCanBeRenamedRemovedNestedAndFiltered() {
    JsonEncoder encoder = started(e -> {
      e.addFieldName("timestamp=@timestamp");
      e.addFieldName("thread=");
      e.addFieldName("message=msg");
      e.addStaticField("region=eu-west-1");
      e.addStaticField("level=static-level");
      e.addExcludeMdcKey("secret_stuff");
      e.setMdcFieldName("mdc");
      e.setKeyValuesFieldName("fields");
      e.setIncludeMarkers(false);
    });
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("request_id", "r1");
    mdc.put("secret_stuff", "x");
    mdc.put("msg", "nested, no collision");
    JsonNode line = Lines.parse(encoder.encode(Events.event("hello").mdc(mdc).kv("n", 1).kv("mdc", "kv named mdc")
        .marker(MarkerFactory.getDetachedMarker("M")).build()));
    assertThat(Lines.names(line)).containsExactly("@timestamp", "level", "logger", "msg", "region", "static.level", "mdc", "fields");
    assertThat(line.get("mdc").toString()).isEqualTo("{\"request_id\":\"r1\",\"msg\":\"nested, no collision\"}");
    assertThat(line.get("fields").toString()).isEqualTo("{\"n\":1,\"mdc\":\"kv named mdc\"}");
    assertThat(line.get("static.level").asText()).isEqualTo("static-level");
  }

  @Test
  void onlyTheIncludedMdcKeysAreWritten() {
    JsonEncoder encoder = started(e -> e.addIncludeMdcKey("a"));
    JsonNode line = Lines.parse(encoder.encode(Events.event("x").mdc(Map.of("a", "1", "b", "2")).build()));
    assertThat(line.get("a").asText()).isEqualTo("1");
    assertThat(line.has("b")).isFalse();
    JsonNode off = Lines.parse(started(e -> e.setIncludeMdc(false)).encode(Events.event("x").mdc(Map.of("a", "1")).build()));
    assertThat(off.has("a")).isFalse();

    Map<String, String> withNullKey = new HashMap<>(); // only a hand-built map can hold one
    withNullKey.put(null, "n");
    withNullKey.put("a", "1");
    JsonEncoder excluding = started(e -> e.addExcludeMdcKey("b"));
    for (JsonEncoder filtering : List.of(encoder, excluding)) {
      JsonNode filtered = Lines.parse(filtering.encode(Events.event("x").mdc(withNullKey).build()));
      assertThat(filtered.has("encoder_error")).isFalse();
      assertThat(filtered.get("a").asText()).isEqualTo("1");
    }
    assertThat(Lines.parse(excluding.encode(Events.event("x").mdc(withNullKey).build())).get("null").asText())
        .isEqualTo("n");
  }

  @Test
  void serviceAndEnvironmentFollowTheConfigurationPrecedence() {
    JsonEncoder configOnly = new JsonEncoder();
    configOnly.setContext(Events.CONTEXT);
    configOnly.setServiceName("from-config");
    configOnly.setEnvironment("staging");
    configOnly.setLookups(p -> null, v -> null);
    configOnly.start();
    JsonNode a = Lines.parse(configOnly.encode(Events.event("x").build()));
    assertThat(a.get("service").asText()).isEqualTo("from-config");
    assertThat(a.get("environment").asText()).isEqualTo("staging");

    JsonEncoder env = new JsonEncoder();
    env.setContext(Events.CONTEXT);
    env.setServiceName("from-config");
    env.setLookups(p -> null, v -> v.equals("OTEL_SERVICE_NAME") ? "from-env" : v.equals("ENGLOG_LOGGING_ENVIRONMENT") ? "prod" : null);
    env.start();
    JsonNode b = Lines.parse(env.encode(Events.event("x").build()));
    assertThat(b.get("service").asText()).isEqualTo("from-env");
    assertThat(b.get("environment").asText()).isEqualTo("prod");

    JsonEncoder sys = new JsonEncoder();
    sys.setContext(Events.CONTEXT);
    sys.setLookups(p -> p.equals("otel.service.name") ? "from-sysprop" : null, v -> "from-env");
    sys.start();
    assertThat(Lines.parse(sys.encode(Events.event("x").build())).get("service").asText()).isEqualTo("from-sysprop");

    JsonEncoder sysEnvironment = new JsonEncoder();
    sysEnvironment.setContext(Events.CONTEXT);
    sysEnvironment.setEnvironment("staging");
    sysEnvironment.setLookups(p -> p.equals("englog.logging.environment") ? "from-sysprop" : null,
        v -> "from-env");
    sysEnvironment.start();
    assertThat(Lines.parse(sysEnvironment.encode(Events.event("x").build())).get("environment").asText())
        .isEqualTo("from-sysprop");

    JsonNode none = Lines.parse(started().encode(Events.event("x").build()));
    assertThat(none.has("service")).isFalse();
    assertThat(none.has("environment")).isFalse();
  }

  @Test
  void theEnvironmentsFormerNamesStillWorkUnderTheCurrentOnes() {
    JsonEncoder formerVariable = new JsonEncoder();
    formerVariable.setContext(Events.CONTEXT);
    formerVariable.setEnvironment("staging");
    formerVariable.setLookups(p -> null, v -> v.equals("ENGLOG_ENVIRONMENT") ? "prod" : null);
    formerVariable.start();
    assertThat(Lines.parse(formerVariable.encode(Events.event("x").build())).get("environment").asText())
        .isEqualTo("prod");

    JsonEncoder formerProperty = new JsonEncoder();
    formerProperty.setContext(Events.CONTEXT);
    formerProperty.setLookups(p -> p.equals("englog.environment") ? "eu-prod" : null,
        v -> v.equals("ENGLOG_LOGGING_ENVIRONMENT") ? "prod" : null);
    formerProperty.start();
    assertThat(Lines.parse(formerProperty.encode(Events.event("x").build())).get("environment").asText())
        .as("a system property, even by its former name, wins over an environment variable").isEqualTo("eu-prod");

    JsonEncoder both = new JsonEncoder();
    both.setContext(Events.CONTEXT);
    both.setLookups(p -> null,
        v -> v.equals("ENGLOG_LOGGING_ENVIRONMENT") ? "current" : v.equals("ENGLOG_ENVIRONMENT") ? "former" : null);
    both.start();
    assertThat(Lines.parse(both.encode(Events.event("x").build())).get("environment").asText())
        .isEqualTo("current");
  }

  @Test
  void anUnstartedEncoderWritesValidLinesWithTheDefaults() {
    JsonEncoder encoder = new JsonEncoder();
    JsonNode line = Lines.parse(encoder.encode(Events.event("token=abcdef123").build()));
    assertThat(line.get("message").asText()).isEqualTo("token=[REDACTED]");
    assertThat(encoder.redactionCounts().count(RedactionKind.CREDENTIAL)).isEqualTo(1);
  }

  @Test
  void aContextWithoutAnMdcAdapterStillGetsFullLines() {
    ch.qos.logback.classic.LoggerContext bare = new ch.qos.logback.classic.LoggerContext();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(bare);
    encoder.start();
    // No MDC map set: logback asks the context's (missing) MDC adapter for one, and throws.
    LoggingEvent event = new LoggingEvent("fqcn", bare.getLogger("app"), Level.WARN, "still {}", null,
        new Object[] {"complete"});
    event.setKeyValuePairs(List.of(new org.slf4j.event.KeyValuePair("k", 1)));
    JsonNode line = Lines.parse(encoder.encode(event));
    assertThat(line.get("message").asText()).isEqualTo("still complete");
    assertThat(line.get("k").asInt()).isEqualTo(1);
    assertThat(line.has("encoder_error")).isFalse();
    assertThat(encoder.encodingFailures()).isZero();
    bare.stop();
  }

  /**
   * The hot path allocates the returned line and nothing else, exception included (frames come from the
   * frame cache, the stack hash from cached words). Allocation is counted per thread by the JVM, exactly,
   * so this holds on a loaded machine; skipped where the JVM cannot count.
   */
  @Test
  void encodingAllocatesOnlyTheLineItself() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean
        && ((com.sun.management.ThreadMXBean) threads).isThreadAllocatedMemorySupported());
    com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;
    counter.setThreadAllocatedMemoryEnabled(true);
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("englog.trace", TRACE);
    mdc.put("request_id", "req-5f1c2b7e9d");
    LoggingEvent withException = Events.event("Failed to summarize journal {} for {}").args("j-7f3a9c21", 42L)
        .mdc(mdc).level(Level.ERROR).error(Throwables.chain(25)).build();
    LoggingEvent plain = Events.event("Journal entry saved").mdc(mdc).kv("words", 120).build();
    JsonEncoder encoder = started(e -> e.setServiceName("englog-api"));
    for (LoggingEvent event : List.of(withException, plain)) {
      int lineBytes = encoder.encode(event).length;
      for (int i = 0; i < 20_000; i++) {
        encoder.encode(event); // warm up: caches filled, code compiled
      }
      int n = 2_000;
      long before = counter.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int i = 0; i < n; i++) {
        encoder.encode(event);
      }
      long perEvent = (counter.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / n;
      // A byte[] of the line: 16-byte header, length rounded up to 8.
      assertThat(perEvent).as("bytes allocated per event for a %d-byte line", lineBytes)
          .isLessThanOrEqualTo(16 + ((lineBytes + 7) & ~7) + 8);
    }
  }

  @Test
  void crlfSeparatorWhenConfigured() {
    byte[] line = started(e -> e.setLineSeparator("CRLF")).encode(Events.event("x").build());
    assertThat(Lines.text(line)).endsWith("}\r\n");
  }

  @Test
  void hostileTextStaysOnOneLineOfValidUtf8Json() {
    String hostile = "quote\" backslash\\ nul\u0000 cr\r lf\n tab\t esc\u001b[31m del\u007f ls\u2028 ps\u2029"
        + " lone-high\uD800 lone-low\uDC00 pair\uD83D\uDE00 bom\uFEFF end\uD83D";
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put(hostile, hostile);
    LoggingEvent event = Events.event(hostile)
        .logger(hostile)
        .thread(hostile)
        .mdc(mdc)
        .kv(hostile, hostile)
        .marker(MarkerFactory.getDetachedMarker(hostile))
        .error(withFrames(new IllegalStateException(hostile), "com.x.Y.z(Y.java:1)"))
        .build();
    for (String format : List.of("compact", "text")) {
      byte[] bytes = started(e -> e.setFormat(format)).encode(event);
      Lines.assertValidUtf8(bytes);
      String text = Lines.text(bytes);
      assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
      assertThat(text).doesNotContain("\r", "\u0000", "\u001b", "\u2028", "\u2029", "\u007f");
    }
    JsonNode line = Lines.parse(started().encode(event));
    String expected = hostile.replace("\uD800", "\uFFFD").replace("\uDC00", "\uFFFD").replace("end\uD83D", "end\uFFFD");
    assertThat(line.get("message").asText()).isEqualTo(expected);
    assertThat(line.get("thread").asText()).isEqualTo(expected);
    assertThat(line.get("logger").asText()).isEqualTo(expected);
    assertThat(line.get("error").get("message").asText()).isEqualTo(expected);
    assertThat(line.get(expected).asText()).isEqualTo(expected); // MDC key and value
    assertThat(line.get("kv." + expected).asText()).isEqualTo(expected);
  }

  @Test
  void encodingIsSafeFromManyThreadsAtOnce() throws Exception {
    JsonEncoder encoder = started();
    int threads = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            String msg = "thread " + id + " event " + i;
            JsonNode line = Lines.parse(encoder.encode(Events.event(msg).kv("i", i).build()));
            assertThat(line.get("message").asText()).isEqualTo(msg);
            assertThat(line.get("i").asInt()).isEqualTo(i);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
