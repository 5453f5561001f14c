package com.englog.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lookup answers by value, whichever way it is taken: by reference to the first key of a level,
 * through the map for equal copies and other keys, or through the slow path for missing values.
 */
class SeriesFamilyTest {

  private final List<List<String>> created = new ArrayList<>();
  private int overflowed;
  private int dropped;

  private SeriesFamily<String> family(List<LabelSpec> labels, int limit) {
    return new SeriesFamily<>("m", labels, limit, 128, values -> {
      created.add(values);
      return String.join("|", values);
    }, new SeriesFamily.Listener() {
      @Override
      public void overflowed() {
        overflowed++;
      }

      @Override
      public void dropped() {
        dropped++;
      }
    });
  }

  @Test
  void equalCopiesFindTheSeriesOfTheInstanceThatCreatedIt() {
    SeriesFamily<String> f = family(List.of(LabelSpec.open("a"), LabelSpec.open("b")), 100);
    String first = f.get("x", "y");
    String second = f.get("x", "z");
    String other = f.get("w", "y");

    assertThat(f.get(new String("x"), new String("y"))).isSameAs(first);
    assertThat(f.get("x", new String("z"))).isSameAs(second);
    assertThat(f.get(new String("w"), "y")).isSameAs(other);
    assertThat(f.get("x", "y")).isSameAs(first);
    assertThat(f.get("w", "y")).isEqualTo("w|y");
    assertThat(created).containsExactly(List.of("x", "y"), List.of("x", "z"), List.of("w", "y"));
    assertThat(f.size()).isEqualTo(3);
  }

  @Test
  void theFirstKeyOfALevelDoesNotAnswerForAnotherLevel() {
    SeriesFamily<String> f = family(List.of(LabelSpec.open("a"), LabelSpec.open("b")), 100);
    f.get("x", "x");
    assertThat(f.get("y", "x")).isEqualTo("y|x");
    assertThat(f.get("x", "y")).isEqualTo("x|y");
    assertThat(f.size()).isEqualTo(3);
  }

  @Test
  void nullAndEmptyFindTheUnknownSeriesWhateverCameFirst() {
    SeriesFamily<String> f = family(List.of(LabelSpec.open("a")), 100);
    f.get("x");
    assertThat(f.get(null)).isEqualTo("unknown");
    assertThat(f.get("")).isEqualTo("unknown");
    assertThat(f.get("unknown")).isEqualTo("unknown");
    assertThat(f.size()).isEqualTo(2);
  }

  @Test
  void aRejectedValueIsDroppedEvenAfterOthersExist() {
    SeriesFamily<String> f = family(
        List.of(LabelSpec.closed("w", List.of("1h", "24h"), null, false)), 100);
    assertThat(f.get("1h")).isEqualTo("1h");
    assertThat(f.get(null)).isNull();
    assertThat(f.get("")).isNull();
    assertThat(f.get("2h")).isNull();
    assertThat(dropped).isEqualTo(3);
    assertThat(f.size()).isEqualTo(1);
  }

  @Test
  void closedValuesAreCanonicalisedToTheSetsOwnInstances() {
    LabelSpec method = LabelSpec.closed("method", List.of("GET", "POST", "OTHER"), "OTHER", true);
    String get = new String("GET");
    assertThat(method.canonical(get, 128)).isEqualTo("GET").isSameAs("GET").isNotSameAs(get);
    assertThat(method.canonical("post", 128)).isSameAs("POST");
    assertThat(method.canonical("BREW", 128)).isSameAs("OTHER");
  }

  @Test
  void aMetricWithoutLabelsHasOneSeries() {
    SeriesFamily<String> f = family(List.of(), 10);
    assertThat(f.get()).isSameAs(f.get()).isEqualTo("");
    assertThat(f.getAll("ignored")).isSameAs(f.get());
    assertThat(created).hasSize(1);
    assertThat(overflowed).isZero();
  }
}
