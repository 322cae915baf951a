package io.sluice.transforms.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.order.EncodedHash;
import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RandomSample on every runner: the elements its seeded hash keeps, about fraction of them. */
class RandomSampleTest {
  private static <T> List<T> kept(List<T> input, Coder<T> coder, long seed, double fraction) {
    List<T> kept = new ArrayList<>();
    for (T element : input) {
      try {
        if (EncodedHash.fraction(EncodedHash.of(seed, CoderUtils.encodeToByteArray(coder, element))) < fraction) {
          kept.add(element);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return kept;
  }

  /** Within five standard deviations of the binomial mean. */
  private static void assertPlausibleSize(int size, int n, double fraction) {
    double tolerance = 5 * Math.sqrt(n * fraction * (1 - fraction));
    assertTrue(Math.abs(size - n * fraction) <= tolerance, size + " of " + n + " kept at " + fraction);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aSeedKeepsTheSameElementsEverywhereAboutFractionOfThem(String runner) {
    List<Integer> numbers = IntStream.range(0, 2000).boxed().toList();
    List<Integer> seedOne = kept(numbers, VarIntCoder.of(), 1, 0.3);
    List<Integer> seedTwo = kept(numbers, VarIntCoder.of(), 2, 0.3);
    assertPlausibleSize(seedOne.size(), 2000, 0.3);
    assertPlausibleSize(seedTwo.size(), 2000, 0.3);
    assertNotEquals(new HashSet<>(seedOne), new HashSet<>(seedTwo));

    Schema schema = Schema.builder().addInt32Field("id").addNullableField("weight", FieldType.DOUBLE).build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(Row.withSchema(schema).addValues(i, i % 4 == 0 ? null : i * 0.5).build());
    }

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Integer> input = p.apply("Numbers", Create.of(numbers));
    PAssert.that(input.apply("SeedOne", RandomSample.of(0.3, 1))).containsInAnyOrder(seedOne);
    PAssert.that(input.apply("SeedTwo", RandomSample.of(0.3, 2))).containsInAnyOrder(seedTwo);
    PAssert.that(input.apply("None", RandomSample.of(0, 1))).empty();
    PAssert.that(input.apply("All", RandomSample.of(1, 1))).containsInAnyOrder(numbers);
    PAssert.that(input.apply("Unseeded", RandomSample.of(0.5))).satisfies(sample -> {
      List<Integer> taken = new ArrayList<>();
      sample.forEach(taken::add);
      assertTrue(new HashSet<>(numbers).containsAll(taken));
      assertEquals(taken.size(), new HashSet<>(taken).size(), "an element was kept twice");
      assertPlausibleSize(taken.size(), 2000, 0.5);
      return null;
    });
    PAssert.that(p.apply("Rows", Create.of(rows).withRowSchema(schema)).apply("SampleRows", RandomSample.of(0.5, 3)))
        .containsInAnyOrder(kept(rows, SchemaCoder.of(schema), 3, 0.5));
    PAssert.that(p.apply("Empty", Create.empty(VarIntCoder.of())).apply("SampleEmpty", RandomSample.of(0.5, 3)))
        .empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void fractionsOutsideZeroToOneAndNonDeterministicCodersAreRejected() {
    for (double fraction : new double[] {-0.1, 1.1, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomSample.of(fraction, 1));
      assertTrue(e.getMessage().contains("fraction must be between 0 and 1, was " + fraction), e.getMessage());
    }
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Map<String, Integer>> maps = p.apply(Create.empty(MapCoder.of(StringUtf8Coder.of(), VarIntCoder.of())));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> maps.apply("SampleMaps", RandomSample.of(0.5, 1)));
    assertTrue(e.getMessage().contains("is not deterministic"), e.getMessage());
  }
}
