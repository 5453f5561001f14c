package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracesTest {

  @AfterEach
  void reset() {
    Traces.resetForTest();
  }

  private static int failingInsert() throws SQLException {
    return Traces.traceDbQuery("insert", "journals", () -> {
      throw new SQLException("down");
    });
  }

  @Test
  void worksWithNoSetupAsANoOpThatRunsTheWork() {
    assertThat(Traces.get().mode()).isEqualTo(Tracing.Mode.NOOP);
    assertThat(Traces.traceDbQuery("select", "journals", () -> "row")).isEqualTo("row");
    assertThat(Traces.traceAiProcessing("summarize", "openai", () -> 1)).isEqualTo(1);
    assertThatThrownBy(TracesTest::failingInsert).isInstanceOf(SQLException.class).hasMessage("down");
  }

  @Test
  void theDefaultIsSetOnceAndThenUsed() {
    try (InMemoryTracing memory = new InMemoryTracing()) {
      Traces.setDefault(memory.tracing);

      Traces.traceDbQuery("select", "journals", () -> 1);
      Traces.inSpan("render", null, null, () -> {});
      java.util.Map<String, String> headers = new java.util.HashMap<>();
      java.util.List<String> done = new java.util.ArrayList<>();
      // Void work, as a worker's job usually is: every helper of the facade has the void form too.
      Traces.traceEnqueue("summarize", headers, () -> done.add("queued"));
      Traces.traceJob("summarize", headers, () -> {
        done.add("processed");
      });

      assertThat(done).containsExactly("queued", "processed");
      assertThat(memory.spans()).extracting(s -> s.getName())
          .containsExactly("select journals", "render", "send summarize", "process summarize");
      assertThatThrownBy(() -> Traces.setDefault(Tracing.noop()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already called, at ")
          .hasMessageContaining(TracesTest.class.getName() + ".theDefaultIsSetOnceAndThenUsed(TracesTest.java:");
      assertThat(Traces.get()).isSameAs(memory.tracing);
    }
  }

  @Test
  void settingTheDefaultAfterTheFacadeWasUsedFailsSayingWhereItWasFirstUsed() {
    Traces.traceDbQuery("select", "journals", () -> 1); // fixes the default: a no-op here

    try (InMemoryTracing memory = new InMemoryTracing()) {
      assertThatThrownBy(() -> Traces.setDefault(memory.tracing))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("after the facade was first used, at " + TracesTest.class.getName()
              + ".settingTheDefaultAfterTheFacadeWasUsedFailsSayingWhereItWasFirstUsed(TracesTest.java:")
          .hasMessageContaining("NOOP");
      assertThat(Traces.get().mode()).isEqualTo(Tracing.Mode.NOOP);
    }
  }
}
