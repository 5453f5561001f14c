package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AiJobTest {

  @Test
  void readsThePayloadTheApiEnqueues() {
    AiJob job = AiJob.parse("{\"journalId\":\"j-1\",\"userId\":\"alice\",\"text\":\"Slept well.\","
        + "\"enqueuedAt\":\"2026-01-01T00:00:00Z\",\"trace\":{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-"
        + "b7ad6b7169203331-01\",\"tracestate\":\"api=1\"}}");

    assertThat(job.journalId()).isEqualTo("j-1");
    assertThat(job.userId()).isEqualTo("alice");
    assertThat(job.text()).isEqualTo("Slept well.");
    assertThat(job.enqueuedAt()).contains(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(job.trace()).containsOnly(
        Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        Map.entry("tracestate", "api=1"));
  }

  @Test
  void optionalFieldsMayBeMissingOrMalformed() {
    AiJob job = AiJob.parse("{\"journalId\":\"j-2\",\"text\":\"\",\"enqueuedAt\":\"yesterday\","
        + "\"trace\":{\"traceparent\":42,\"baggage\":\"k=v\"}}");

    assertThat(job.userId()).isEmpty();
    assertThat(job.enqueuedAt()).isEmpty();
    assertThat(job.trace()).containsOnly(Map.entry("baggage", "k=v"));
  }

  @Test
  void aPayloadWithoutJournalOrTextIsRefused() {
    assertThatThrownBy(() -> AiJob.parse("not json")).isInstanceOf(AiJob.InvalidJobException.class)
        .hasMessage("payload is not JSON");
    assertThatThrownBy(() -> AiJob.parse("[1]")).hasMessage("payload is not a JSON object");
    assertThatThrownBy(() -> AiJob.parse("{\"text\":\"x\"}")).hasMessage("journalId is missing");
    assertThatThrownBy(() -> AiJob.parse("{\"journalId\":\"j\",\"text\":7}")).hasMessage("text is missing");
  }

  @Test
  void headersReplaceAMissingTrace() {
    AiJob job = AiJob.parse("{\"journalId\":\"j-3\",\"text\":\"x\"}")
        .withTrace(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    assertThat(job.trace()).containsKey("traceparent");
    assertThat(job.journalId()).isEqualTo("j-3");
  }
}
