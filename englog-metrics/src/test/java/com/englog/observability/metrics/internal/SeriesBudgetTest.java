package com.englog.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeriesBudgetTest {

  @Test
  void claimsMayUseTheBudgetToTheLastSeriesAndNoFurther() {
    SeriesBudget budget = new SeriesBudget(10);
    budget.claim("a", 6);
    assertThat(budget.remaining()).isEqualTo(4);
    assertThatThrownBy(() -> budget.claim("b", 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b needs 5 exposed series but only 4 of the series budget of 10 are left");
    budget.claim("b", 4);
    assertThat(budget.remaining()).isZero();
    assertThat(budget.total()).isEqualTo(10);
  }

  @Test
  void aReleasedClaimCanBeClaimedAgain() {
    SeriesBudget budget = new SeriesBudget(10);
    budget.claim("a", 10);
    budget.release(3);
    assertThat(budget.remaining()).isEqualTo(3);
    budget.claim("b", 3);
    assertThatThrownBy(() -> budget.claim("c", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
