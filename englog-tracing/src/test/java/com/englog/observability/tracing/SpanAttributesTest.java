package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.tracing.internal.SpanHelpers;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import io.opentelemetry.semconv.incubating.EnduserIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import io.opentelemetry.semconv.incubating.SessionIncubatingAttributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The attribute names still in development upstream (GenAI, messaging, end user, session) are our own constants, so the
 * main code does not depend on the incubating semantic-conventions artifact; this test holds them to
 * it, so that a rename upstream fails here when the artifact is updated.
 */
class SpanAttributesTest {

  private static AttributeKey<String> key(String name) {
    return AttributeKey.stringKey(name);
  }

  @Test
  void incubatingKeysMatchTheSemanticConventions() {
    assertThat(key(SpanAttributes.GEN_AI_OPERATION_NAME)).isEqualTo(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME);
    assertThat(key(SpanAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME);
    assertThat(key(SpanAttributes.MESSAGING_SYSTEM)).isEqualTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM);
    assertThat(key(SpanAttributes.MESSAGING_DESTINATION_NAME))
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME);
    assertThat(key(SpanAttributes.MESSAGING_OPERATION_NAME))
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME);
    assertThat(key(SpanAttributes.MESSAGING_OPERATION_TYPE))
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE);
    assertThat(key(SpanAttributes.ENDUSER_PSEUDO_ID)).isEqualTo(EnduserIncubatingAttributes.ENDUSER_PSEUDO_ID);
    assertThat(key(SpanAttributes.ENDUSER_ID)).isEqualTo(EnduserIncubatingAttributes.ENDUSER_ID);
    assertThat(key(SpanAttributes.SESSION_ID)).isEqualTo(SessionIncubatingAttributes.SESSION_ID);
  }

  /** The stable keys a service's HTTP, network and error attributes use; spelled only by semconv. */
  private static final List<Class<?>> STABLE = List.of(ClientAttributes.class, ErrorAttributes.class,
      ExceptionAttributes.class, HttpAttributes.class, NetworkAttributes.class, ServerAttributes.class,
      UrlAttributes.class, UserAgentAttributes.class);

  @Test
  void stableKeysAreNeverSpelledAsStringLiteralsInTheMainCode() throws Exception {
    List<String> literals = new ArrayList<>();
    for (Class<?> c : STABLE) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.get(null) instanceof AttributeKey<?> k) {
          literals.add('"' + k.getKey() + '"');
        }
      }
    }
    assertThat(literals).as("keys found in the semconv classes").contains("\"http.request.method\"",
        "\"server.address\"", "\"user_agent.original\"");
    List<String> offending = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        literals.stream().filter(source::contains).forEach(l -> offending.add(file + ": " + l));
      }
    }
    assertThat(offending).as("use the io.opentelemetry.semconv constants").isEmpty();
  }

  @Test
  void theOperationValuesTheHelpersWriteAreTheConventionsOnes() throws Exception {
    assertThat(List.of("send", "process")).containsExactly(MessagingOperationTypeIncubatingValues.SEND,
        MessagingOperationTypeIncubatingValues.PROCESS);
    assertThat(Tracing.Builder.DEFAULT_AI_OPERATION_NAME).isEqualTo(GenAiOperationNameIncubatingValues.CHAT);
    List<String> upstream = new ArrayList<>();
    for (Field f : GenAiOperationNameIncubatingValues.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        upstream.add((String) f.get(null));
      }
    }
    assertThat(SpanHelpers.GEN_AI_OPERATIONS).as("task types used as gen_ai.operation.name as is")
        .containsAll(upstream);
  }

  @Test
  void ourOwnKeysAreInOurNamespace() {
    assertThat(SpanAttributes.ENGLOG_AI_TASK_TYPE).startsWith("englog.");
  }
}
