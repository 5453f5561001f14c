package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bound {@link FrozenDependencyIT} applies tolerates a loaded machine but not a regression. */
class ResponseTimesTest {

  private static final long DEADLINE = 100;

  private static List<Long> answers(int fast, long... others) {
    List<Long> times = new ArrayList<>(Collections.nCopies(fast, 105L));
    for (long t : others) {
      times.add(t);
    }
    return times;
  }

  @Test
  void answersWithinTheDeadlinePlus100MsPass() {
    assertThatCode(() -> ResponseTimes.assertWithinDeadline(answers(200), DEADLINE)).doesNotThrowAnyException();
  }

  @Test
  void twoStalledRequestsInTwoHundredAreTolerated() {
    assertThatCode(() -> ResponseTimes.assertWithinDeadline(answers(198, 900, 1100), DEADLINE))
        .doesNotThrowAnyException();
  }

  @Test
  void aCheckThatBlocksUntilTheFreezeEndsFails() {
    assertThatThrownBy(() -> ResponseTimes.assertWithinDeadline(answers(199, 20_000), DEADLINE))
        .isInstanceOf(AssertionError.class).hasMessageContaining("slowest answer");
  }

  @Test
  void waitingForASocketOrPoolTimeoutOnManyRequestsFails() {
    assertThatThrownBy(() -> ResponseTimes.assertWithinDeadline(answers(197, 300, 300, 300), DEADLINE))
        .isInstanceOf(AssertionError.class).hasMessageContaining("at most 2 allowed");
  }
}
