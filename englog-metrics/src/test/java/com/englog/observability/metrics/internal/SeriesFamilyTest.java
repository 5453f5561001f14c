package com.englog.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
    return new SeriesFamily<>("m", labels, limit, 1, 128, values -> {
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

  @Test
  void theLimitCountsExposedSeriesNotCombinations() {
    // 16 exposed series per combination (a histogram): 100 series are 6 combinations, 1 reserved for
    // the last resort, 1 for folded values, 4 as given.
    SeriesFamily<String> f = new SeriesFamily<>("h", List.of(LabelSpec.open("a")), 100, 16, 128,
        values -> String.join("|", values), new Counting());
    assertThat(f.combinations()).isEqualTo(6);
    assertThat(f.exactBudget()).isEqualTo(4);
    for (int i = 0; i < 100; i++) {
      f.get("v" + i);
    }
    assertThat(f.size()).isEqualTo(5);
    assertThat(f.exposedSeries()).isEqualTo(80).isLessThanOrEqualTo(f.limit());
    assertThatThrownBy(() -> new SeriesFamily<>("h", List.of(LabelSpec.open("a")), 47, 16, 128,
        values -> "", new Counting()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be at least 48 exposed series");
  }

  @Test
  void aCombinationOfKnownValuesCreatedAfterTheExactBudgetIsNoFold() {
    // Limit 100: 1 combination reserved, 1 (99 / 50) for folded values, 98 as given.
    SeriesFamily<String> f = family(List.of(LabelSpec.open("a"), LabelSpec.open("b")), 100);
    for (int i = 0; i < 49; i++) {
      f.get("a" + i, "b0");
      f.get("a0", "b" + (i + 1));
    }
    assertThat(f.size()).isEqualTo(98);
    assertThat(overflowed).isZero();

    assertThat(f.get("a1", "b1")).as("both values known: created as given").isEqualTo("a1|b1");
    assertThat(overflowed).isZero();
    assertThat(f.get("a1", "b1")).isEqualTo("a1|b1");
    assertThat(f.get("a2", "b2")).as("no room left: the last resort").isEqualTo("other|other");
    assertThat(f.get("a3", "new")).isEqualTo("other|other");
    assertThat(overflowed).isEqualTo(2);
    assertThat(f.size()).isEqualTo(100);
  }

  @Test
  void statusCodesKeepTheirValueAndMethodFoldsLast() {
    LabelSpec method = LabelSpec.closedFoldingLast("method", List.of("GET", "POST", "OTHER"), "OTHER",
        true);
    LabelSpec status = LabelSpec.bounded("status_code", StatusCodes.values(), StatusCodes.OTHER);
    // 501 combinations reserved (one per status_code), 10 as given, 1 for folded values.
    SeriesFamily<String> f = family(List.of(method, LabelSpec.open("endpoint"), status), 512);
    for (int i = 0; i < 10; i++) {
      f.get("GET", "/r" + i, "200");
    }
    assertThat(f.get("GET", "/new", "503")).isEqualTo("GET|other|503");
    assertThat(f.get("POST", "/new", "504")).isEqualTo("OTHER|other|504");
    for (int s = 0; s < StatusCodes.SLOTS; s++) {
      String code = StatusCodes.label(s);
      assertThat(f.get("POST", "/x" + s, code)).isEqualTo("OTHER|other|" + code);
    }
    assertThat(f.get("POST", "/y", "42")).isEqualTo("OTHER|other|other");
    assertThat(f.size()).isEqualTo(512);
  }

  @Test
  void everyFoldedRecordingIsCountedExactlyOnceUnderConcurrency() throws Exception {
    Counting listener = new Counting();
    // Limit 1000: 1 combination reserved, 19 for folded values, 980 as given.
    SeriesFamily<Cell> f = new SeriesFamily<>("m", List.of(LabelSpec.open("a"), LabelSpec.open("b")),
        1000, 1, 128, values -> new Cell(String.join("|", values)), listener);
    for (int i = 0; i < 40; i++) {
      f.get("a" + i, "b" + i).recordings.increment();
    }
    for (int i = 0; f.size() < f.exactBudget(); i++) {
      f.get("fill" + i, "fill").recordings.increment();
    }
    long setup = f.exactBudget();
    int threads = 4;
    int passes = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(pool.submit(() -> {
        start.await();
        long recorded = 0;
        long folded = 0;
        for (int p = 0; p < passes; p++) {
          for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 40; j++) {
              // Both values known (each has a series), the combination mostly new.
              String a = "a" + i;
              String b = "b" + ((i + j + thread) % 40);
              Cell c = f.get(a, b);
              c.recordings.increment();
              recorded++;
              if (!c.key.equals(a + "|" + b)) {
                folded++;
              }
            }
            Cell c = f.get("a" + i, "new-" + thread + "-" + p + "-" + i);
            c.recordings.increment();
            recorded++;
            if (!c.key.startsWith("a" + i + "|new-")) {
              folded++;
            }
          }
        }
        return new long[] {recorded, folded};
      }));
    }
    start.countDown();
    long recorded = 0;
    long folded = 0;
    for (Future<long[]> r : results) {
      long[] v = r.get(2, TimeUnit.MINUTES);
      recorded += v[0];
      folded += v[1];
    }
    pool.shutdown();

    assertThat(folded).as("some recordings folded, some known pairs were created as given")
        .isPositive().isLessThan(recorded);
    assertThat(listener.overflowed.sum()).isEqualTo(folded);
    long total = 0;
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 40; j++) {
        Cell c = f.find(List.of("a" + i, "b" + j));
        total += c == null ? 0 : c.recordings.sum();
      }
      Cell partial = f.find(List.of("a" + i, "other"));
      total += partial == null ? 0 : partial.recordings.sum();
    }
    Cell last = f.find(List.of("other", "other"));
    total += last == null ? 0 : last.recordings.sum();
    assertThat(total).isEqualTo(recorded + 40);
    assertThat(f.size()).isLessThanOrEqualTo(1000);
    assertThat(setup).isEqualTo(980);
  }

  static final class Cell {
    final String key;
    final LongAdder recordings = new LongAdder();

    Cell(String key) {
      this.key = key;
    }
  }

  static final class Counting implements SeriesFamily.Listener {
    final LongAdder overflowed = new LongAdder();
    final LongAdder dropped = new LongAdder();

    @Override
    public void overflowed() {
      overflowed.increment();
    }

    @Override
    public void dropped() {
      dropped.increment();
    }
  }

  private static List<String> values(String prefix, int count) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(prefix + i);
    }
    return values;
  }

  @Test
  void declaredValuesMayTakeTheCombinationsLeftToTheLastOne() {
    SeriesFamily<String> f = family(List.of(LabelSpec.open("a")), 100);
    f.get("recorded");
    int left = f.exactBudget() - 1;
    assertThat(f.fits(List.of(values("v", left)))).isTrue();
    assertThat(f.fits(List.of(values("v", left + 1)))).isFalse();
    assertThatThrownBy(() -> f.preRegister(List.of(values("v", left + 1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("combinations");
    assertThat(created).hasSize(1);

    f.preRegister(List.of(values("v", left)));
    assertThat(created).hasSize(1 + left);
    assertThat(f.fits(List.of(List.of("w")))).as("nothing left").isFalse();
    assertThat(f.get("v" + (left - 1))).isEqualTo("v" + (left - 1));
    assertThat(created).as("declared series are found, not made again").hasSize(1 + left);
  }

  @Test
  void registeredSeriesComeFromTheirOwnFactoryUpToTheLimit() {
    SeriesFamily<String> f = family(List.of(LabelSpec.open("a")), 100);
    String own = f.register(List.of("r0"), values -> "own " + values);
    assertThat(own).isEqualTo("own [r0]");
    assertThat(f.find(List.of("r0"))).isSameAs(own);
    assertThat(f.get("r0")).isSameAs(own);
    assertThatThrownBy(() -> f.register(List.of("r0"), values -> "again"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has");
    for (int i = 1; i < f.exactBudget(); i++) {
      f.register(List.of("r" + i), values -> "own " + values);
    }
    assertThatThrownBy(() -> f.register(List.of("one-more"), values -> "own " + values))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cardinality limit");
    assertThat(created).as("the family's own factory made none").isEmpty();
  }
}
