package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanNamesTest {

  @Test
  void theSamePairGivesTheSameInstanceWithoutBuildingItAgain() {
    SpanNames names = new SpanNames();
    String first = names.name("insert", "journals");
    assertThat(first).isEqualTo("insert journals");
    assertThat(names.name("insert", "journals")).isSameAs(first);
  }

  @Test
  void theCacheStopsGrowingAtItsBoundButNamesStayCorrect() {
    SpanNames names = new SpanNames();
    for (int i = 0; i < SpanNames.MAX_ENTRIES * 3; i++) {
      assertThat(names.name("select", "t" + i)).isEqualTo("select t" + i);
    }
    assertThat(names.size()).isEqualTo(SpanNames.MAX_ENTRIES);
    assertThat(names.name("select", "x".repeat(1000))).hasSize(1007);
  }
}
