package com.englog.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An open label's value as exposed: cut, control characters and broken surrogates replaced, trimmed. */
class LabelSpecTest {

  /** {@code <HI>} and {@code <LO>} stand for the two halves of a surrogate pair, {@code <C1>} for U+0001. */
  private static String unescape(String s) {
    return s.replace("<HI>", String.valueOf((char) 0xD83D)).replace("<LO>", String.valueOf((char) 0xDE00))
        .replace("<C1>", String.valueOf((char) 1));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "abcdef | 3 | abc",
      "abc | 3 | abc",
      "ab<HI><LO> | 3 | ab",
      "ab<HI><LO> | 4 | ab<HI><LO>",
      "a<HI><LO>b | 10 | a<HI><LO>b",
      "a<C1><HI><LO> | 10 | a_<HI><LO>",
      "a<C1>b<HI><LO>c | 10 | a_b<HI><LO>c",
      "ab<HI> | 10 | ab_",
      "a<LO>b | 10 | a_b",
      "a<HI>b | 10 | a_b",
      "'  a b  ' | 10 | a b",
      "'   ' | 10 | unknown",
      "'<C1>  ' | 10 | _",
      "'abc   x' | 5 | abc",
  })
  void openValuesAreCutCleanedAndTrimmed(String raw, int maxLength, String expected) {
    assertThat(LabelSpec.sanitize(unescape(raw), maxLength)).isEqualTo(unescape(expected));
  }
}
