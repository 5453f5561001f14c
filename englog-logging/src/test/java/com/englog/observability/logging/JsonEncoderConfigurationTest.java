package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import com.englog.observability.logging.internal.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Configuration in code: the builder, and options changed on a running encoder. */
class JsonEncoderConfigurationTest {

  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void stop() {
    context.stop();
  }

  private JsonEncoder started(JsonEncoder encoder) {
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  @Test
  void theBuilderMakesAWorkingEncoder() {
    JsonEncoder encoder = started(JsonEncoder.builder()
        .serviceName("englog-api")
        .staticField("region", "eu-west-1")
        .fieldName("timestamp", "@timestamp")
        .fieldName("thread", "")
        .maxMessageLength(16)
        .denyField("internal_note")
        .redactionReplacement("***")
        .build());
    JsonNode line = Lines.parse(encoder.encode(Events.event("password=hunter2 and a long tail")
        .kv("internal_note", "x").build()));
    assertThat(line.get("service").asText()).isEqualTo("englog-api");
    assertThat(line.get("region").asText()).isEqualTo("eu-west-1");
    assertThat(line.has("@timestamp")).isTrue();
    assertThat(line.has("thread")).isFalse();
    assertThat(line.get("message").asText()).isEqualTo("password=*** and...[truncated]"); // 16 characters of the redacted text
    assertThat(line.get("internal_note").asText()).isEqualTo("***");
    assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
  }

  @Test
  void invalidOptionsAreRejectedAtBuildNamingTheOptionAndItsRange() {
    assertThatThrownBy(() -> JsonEncoder.builder().maxMessageLength(3).maxThrowables(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageLength must be in [16, 67108864], got 3")
        .hasMessageContaining("maxThrowables must be in [1, 64], got 0");
    assertThatThrownBy(() -> JsonEncoder.builder().piiPattern("([unclosed").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("piiPattern");
    assertThatThrownBy(() -> JsonEncoder.builder().fieldName("colour", "color").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'colour' is not a standard field");
    assertThatThrownBy(() -> JsonEncoder.builder().staticField("a=b", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staticField name");
    assertThatThrownBy(() -> JsonEncoder.builder().mdcFieldName("ctx").keyValuesFieldName("ctx").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyValuesFieldName 'ctx' is already the name of the mdcFieldName object");
    assertThatThrownBy(() -> JsonEncoder.builder().mdcFieldName("message").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mdcFieldName 'message' is already the name of the standard field 'message'");
    assertThatThrownBy(() -> JsonEncoder.builder().staticField("ctx", "x").keyValuesFieldName("ctx").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyValuesFieldName 'ctx' is already the name of a staticField");
    assertThatThrownBy(() -> JsonEncoder.builder().serviceName(null))
        .isInstanceOf(NullPointerException.class).hasMessage("serviceName");
  }

  @Test
  void aBuilderBuildsEncodersThatShareNothing() {
    JsonEncoder.Builder builder = JsonEncoder.builder().staticField("a", "1");
    JsonEncoder first = started(builder.build());
    JsonEncoder second = started(builder.staticField("b", "2").build());
    assertThat(Lines.parse(first.encode(Events.event("x").build())).has("b")).isFalse();
    assertThat(Lines.parse(second.encode(Events.event("x").build())).get("b").asText()).isEqualTo("2");
  }

  /** The options of the builder, by name: its public methods but {@code build()}. */
  private static Map<String, Method> builderOptions() {
    Map<String, Method> options = new TreeMap<>();
    for (Method m : JsonEncoder.Builder.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("build")) {
        assertThat(options.put(m.getName(), m)).as("one builder method per option: %s", m.getName()).isNull();
      }
    }
    return options;
  }

  /** The options of the logback bean, by name: {@code setX} and {@code addX} are option {@code x}. */
  private static Map<String, Method> beanOptions() {
    Map<String, Method> options = new TreeMap<>();
    for (Method m : JsonEncoder.class.getDeclaredMethods()) {
      String name = m.getName();
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
          && (name.startsWith("set") || name.startsWith("add"))) {
        String option = name.substring(3, 4).toLowerCase(Locale.ROOT) + name.substring(4);
        assertThat(options.put(option, m)).as("one bean setter per option: %s", option).isNull();
      }
    }
    return options;
  }

  /**
   * The two surfaces cannot drift: each setter and adder of the logback bean has its builder method of
   * the same name, and each builder option its setter or adder, so code and XML set the same things.
   */
  @Test
  void theBuilderAndTheLogbackBeanHaveTheSameOptions() {
    Map<String, Method> bean = beanOptions();
    assertThat(bean).hasSizeGreaterThan(25);
    assertThat(bean.values()).allMatch(m -> m.getParameterCount() == 1, "bean setters take one value");
    assertThat(builderOptions().keySet()).containsExactlyElementsOf(bean.keySet());
  }

  @Test
  void theDetectorsInCodeAreTheBuiltInDetectorsInXml() {
    assertThat(Arrays.stream(RedactionDetector.values()).map(JsonEncoder.Builder::spelling))
        .containsExactlyElementsOf(Redactor.DETECTORS);
  }

  /** A closed set in code is an enum; each of its values is a spelling the logback bean accepts. */
  @Test
  void everyEnumValueOfTheBuilderIsASpellingTheBeanSetterAccepts() throws Exception {
    Map<String, Method> bean = beanOptions();
    int checked = 0;
    for (Map.Entry<String, Method> option : builderOptions().entrySet()) {
      Class<?> type = option.getValue().getParameterTypes()[0];
      if (!type.isEnum()) {
        continue;
      }
      Method setter = bean.get(option.getKey());
      assertThat(setter.getParameterTypes()).as(setter.getName()).containsExactly(String.class);
      for (Object value : type.getEnumConstants()) {
        String spelling = JsonEncoder.Builder.spelling((Enum<?>) value);
        LoggerContext ctx = new LoggerContext();
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        setter.invoke(encoder, spelling);
        encoder.start();
        assertThat(ctx.getStatusManager().getCopyOfStatusList())
            .as("%s(\"%s\")", setter.getName(), spelling)
            .noneMatch(st -> st.getLevel() >= Status.WARN);
        option.getValue().invoke(JsonEncoder.builder(), value); // and the builder takes the value
        ctx.stop();
        checked++;
      }
    }
    assertThat(checked).as("format, precision, line separator, redaction mode, detectors").isGreaterThan(15);
  }

  @Test
  void anOptionSetAfterStartWarnsAndAppliesWhenStartedAgain() {
    JsonEncoder encoder = started(new JsonEncoder());
    String message = "a message longer than twenty characters";
    encoder.setMaxMessageLength(20);
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anyMatch(s -> s.getLevel() == Status.WARN && s.getMessage().contains("maxMessageLength was set after start()"));
    assertThat(Lines.parse(encoder.encode(Events.event(message).build())).get("message").asText()).isEqualTo(message);

    encoder.stop();
    encoder.start();
    assertThat(Lines.parse(encoder.encode(Events.event(message).build())).get("message").asText())
        .isEqualTo(message.substring(0, 20) + "...[truncated]");
  }

  /** Restarting (as a reconfiguration in code would) while other threads encode: every line stays whole. */
  @Test
  void restartingWhileOtherThreadsEncodeKeepsEveryLineValid() throws Exception {
    JsonEncoder encoder = started(new JsonEncoder());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicBoolean done = new AtomicBoolean();
    try {
      List<Future<Integer>> encoders = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        encoders.add(pool.submit(() -> {
          int n = 0;
          while (!done.get() || n < 1_000) {
            JsonNode line = Lines.parse(encoder.encode(Events.event("event " + n).kv("n", n).build()));
            assertThat(line.get("n").asInt()).isEqualTo(n);
            n++;
          }
          return n;
        }));
      }
      for (int i = 0; i < 200; i++) {
        encoder.setServiceName(i % 2 == 0 ? "even" : "odd");
        encoder.stop();
        encoder.start();
      }
      done.set(true);
      for (Future<Integer> f : encoders) {
        assertThat(f.get(2, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(1_000);
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    assertThat(encoder.encodingFailures()).isZero();
  }
}
