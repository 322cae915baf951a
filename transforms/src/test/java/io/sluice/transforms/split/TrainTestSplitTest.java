package io.sluice.transforms.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.order.ExpectedOrder;
import io.sluice.transforms.testing.TestRunners;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TrainTestSplit on every runner: Ray's sizes, parts from the seeded shuffle order, disjoint and complete. */
class TrainTestSplitTest {
  private static List<String> words(int n) {
    return IntStream.range(0, n).mapToObj(i -> "w" + i).toList();
  }

  private static List<String> shuffled(List<String> input, long seed) {
    return ExpectedOrder.shuffled(input, StringUtf8Coder.of(), seed).stream().map(KV::getValue).toList();
  }

  private static void assertSplit(TrainTestSplit.Result<String> split, List<String> input, long seed, int trainSize) {
    List<String> order = shuffled(input, seed);
    PAssert.that(split.train()).containsInAnyOrder(order.subList(0, trainSize));
    PAssert.that(split.test()).containsInAnyOrder(order.subList(trainSize, order.size()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void fractionsAndRowCountsGiveRaysSizes(String runner) {
    List<String> eight = words(8);
    List<String> thousand = words(1000);
    List<String> ten = words(10);
    Pipeline p = TestRunners.pipeline(runner);
    // Ray's documented example: 8 rows at test_size=0.25 give 6 train and 2 test rows.
    assertSplit(p.apply("Eight", Create.of(eight)).apply("Quarter", TrainTestSplit.of(0.25, 42)), eight, 42, 6);
    // Train is floor(N * (1 - f)), test the rest: rounded up.
    assertSplit(p.apply("Thousand", Create.of(thousand)).apply("ThreeTenths", TrainTestSplit.of(0.3, 7)),
        thousand, 7, (int) (1000 * (1 - 0.3)));
    PCollection<String> tenWords = p.apply("Ten", Create.of(ten));
    assertSplit(tenWords.apply("ThreeRows", TrainTestSplit.ofRows(3, 5)), ten, 5, 7);
    assertSplit(tenWords.apply("MoreRowsThanInput", TrainTestSplit.ofRows(12, 5)), ten, 5, 0);
    TrainTestSplit.Result<String> empty = p.apply("Empty", Create.empty(StringUtf8Coder.of()))
        .apply("OfEmpty", TrainTestSplit.of(0.5, 1));
    PAssert.that(empty.train()).empty();
    PAssert.that(empty.test()).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void testSizesOutsideRaysRangeFailAtConstruction() {
    for (double fraction : new double[] {0, 1, -0.2, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.of(fraction, 1));
      assertTrue(e.getMessage().contains("testFraction must be between 0 and 1 (exclusive), was " + fraction),
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.ofRows(0, 1));
    assertTrue(e.getMessage().contains("testRows must be >= 1, was 0"), e.getMessage());
  }
}
