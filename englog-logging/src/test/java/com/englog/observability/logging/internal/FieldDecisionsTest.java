package com.englog.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldDecisionsTest {

  private final FieldDecisions decisions = new FieldDecisions(Redactor.builder().build());

  @Test
  void aNameUpToTheCutLengthIsDecidedOnceAndKept() {
    String name = "x".repeat(EncoderSettings.MAX_KEY_LENGTH - "_password".length()) + "_password";

    assertThat(decisions.redacts(name)).isTrue();
    assertThat(decisions.get(name)).isNotNull();
    assertThat(decisions.redacts("journal_id")).isFalse();
    assertThat(decisions.get("journal_id")).isNotNull();
  }

  @Test
  void aLongerNameIsDecidedWholeButNotKeptSoHostileKeysCannotFillMemory() {
    String denied = "x".repeat(100_000) + "_password";
    String allowed = "x".repeat(100_000) + "_id";

    assertThat(decisions.redacts(denied)).isTrue();
    assertThat(decisions.redacts(allowed)).isFalse();
    assertThat(decisions.get(denied)).isNull();
    assertThat(decisions.get(allowed)).isNull();
  }

  @Test
  void aNullNameIsDecidedAsTheNameNullIsWritten() {
    assertThat(decisions.redacts(null)).isFalse();
    assertThat(decisions.get("null")).isNotNull();
  }
}
