package io.sluice.transforms.split;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.order.ExpectedOrder;
import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Split and SplitProportionately on every runner: exact sizes, parts from the seeded shuffle order, nothing lost. */
class SplitTest {
  private static List<Integer> numbers(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toCollection(ArrayList::new));
  }

  /** The parts the definition gives: shuffle positions, each position's part from its own formula. */
  private static List<List<Integer>> expectedEqualParts(List<Integer> input, long seed, int parts) {
    List<List<Integer>> expected = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      expected.add(new ArrayList<>());
    }
    long total = input.size();
    for (KV<Long, Integer> positioned : ExpectedOrder.shuffled(input, VarIntCoder.of(), seed)) {
      // Position i is in part p iff floor(p*N/n) <= i < floor((p+1)*N/n).
      int part = (int) (((positioned.getKey() + 1) * parts - 1) / total);
      expected.get(part).add(positioned.getValue());
    }
    return expected;
  }

  /** Consecutive runs of the shuffle order with these sizes. */
  private static List<List<Integer>> expectedRuns(List<Integer> input, long seed, int... sizes) {
    List<Integer> ordered = ExpectedOrder.shuffled(input, VarIntCoder.of(), seed).stream().map(KV::getValue).toList();
    List<List<Integer>> runs = new ArrayList<>();
    int start = 0;
    for (int size : sizes) {
      runs.add(ordered.subList(start, start + size));
      start += size;
    }
    assertEquals(input.size(), start);
    return runs;
  }

  private static void assertParts(PCollectionList<Integer> actual, List<List<Integer>> expected) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      PAssert.that("part " + i, actual.get(i)).containsInAnyOrder(expected.get(i));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void splitGivesPartsWithinOneOfEachOtherThatTogetherAreTheInput(String runner) {
    List<Integer> input = numbers(100);
    input.addAll(List.of(3, 3, 50));
    List<List<Integer>> three = expectedEqualParts(input, Split.DEFAULT_SEED, 3);
    List<List<Integer>> fourSeeded = expectedEqualParts(input, 9, 4);
    for (List<List<Integer>> parts : List.of(three, fourSeeded)) {
      int smallest = parts.stream().mapToInt(List::size).min().orElseThrow();
      int largest = parts.stream().mapToInt(List::size).max().orElseThrow();
      assertTrue(largest - smallest <= 1, parts.stream().map(List::size).toList().toString());
    }

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Integer> numbers = p.apply(Create.of(input));
    PCollectionList<Integer> threeParts = numbers.apply("Three", Split.into(3));
    assertParts(threeParts, three);
    assertParts(numbers.apply("FourSeeded", Split.<Integer>into(4).withSeed(9)), fourSeeded);
    PAssert.that(threeParts.apply(Flatten.pCollections())).containsInAnyOrder(input);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void moreSplitPartsThanElementsLeavesSomeEmptyAndEmptyInputGivesEmptyParts(String runner) {
    List<Integer> three = List.of(10, 20, 30);
    Pipeline p = TestRunners.pipeline(runner);
    assertParts(p.apply("Three", Create.of(three)).apply("IntoFive", Split.into(5)),
        expectedEqualParts(three, Split.DEFAULT_SEED, 5));
    PCollectionList<Integer> emptyParts =
        p.apply("Empty", Create.empty(VarIntCoder.of())).apply("IntoTwo", Split.into(2));
    PAssert.that(emptyParts.get(0)).empty();
    PAssert.that(emptyParts.get(1)).empty();
    PCollectionList<Integer> whole = p.apply("Single", Create.of(7)).apply("IntoOne", Split.into(1));
    PAssert.that(whole.get(0)).containsInAnyOrder(7);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void splitProportionatelyCutsAtTheFloorsOfTheRunningSums(String runner) {
    List<Integer> ten = numbers(10);
    List<Integer> thousand = numbers(1000);
    Pipeline p = TestRunners.pipeline(runner);
    // Ray's documented example: range(10) by [0.2, 0.5] gives 2, 5 and 3 rows.
    assertParts(p.apply("Ten", Create.of(ten)).apply("TwoFifths", SplitProportionately.of(0.2, 0.5)),
        expectedRuns(ten, Split.DEFAULT_SEED, 2, 5, 3));
    int first = (int) (1000 * 0.1);
    int second = (int) (1000 * (0.1 + 0.25)) - first;
    assertParts(p.apply("Thousand", Create.of(thousand))
            .apply("Seeded", SplitProportionately.<Integer>of(0.1, 0.25).withSeed(4)),
        expectedRuns(thousand, 4, first, second, 1000 - first - second));
    PCollectionList<Integer> empty = p.apply("Empty", Create.empty(VarIntCoder.of()))
        .apply("OfEmpty", SplitProportionately.of(0.5));
    PAssert.that(empty.get(0)).empty();
    PAssert.that(empty.get(1)).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void proportionalCutsMoveDownLikeRaysSoMiddlePartsAreNotEmpty() {
    // floor(100 * [0.1, 0.105, 0.405]) = [10, 10, 40]: the second part would be empty, so Ray moves the
    // first cut down to 9.
    assertArrayEquals(new long[] {9, 10, 40},
        SplitProportionately.proportionalCuts(100, new double[] {0.1, 0.005, 0.3}));
    // Too few rows to fill every part: Ray raises; here the leading parts stay empty.
    assertArrayEquals(new long[] {0, 0, 2}, SplitProportionately.proportionalCuts(3, new double[] {0.1, 0.1, 0.5}));
    assertArrayEquals(new long[] {0}, SplitProportionately.proportionalCuts(0, new double[] {0.5}));
  }

  @Test
  void invalidPartsAndProportionsFailAtConstruction() {
    assertMessage("Split parts must be >= 1, was 0", () -> Split.into(0));
    assertMessage("needs at least one proportion", () -> SplitProportionately.of());
    assertMessage("must each be > 0", () -> SplitProportionately.of(0.5, 0));
    assertMessage("must each be > 0", () -> SplitProportionately.of(Double.NaN));
    assertMessage("must sum to less than 1", () -> SplitProportionately.of(0.5, 0.5));
    assertMessage("must sum to less than 1", () -> SplitProportionately.of(1.2));
  }

}
