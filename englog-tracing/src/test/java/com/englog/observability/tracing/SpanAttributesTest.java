package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.tracing.internal.SpanHelpers;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attribute names still in development upstream (GenAI, messaging) are our own constants, so the
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
