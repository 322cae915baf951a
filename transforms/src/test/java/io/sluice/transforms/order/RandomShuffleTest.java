package io.sluice.transforms.order;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RandomShuffle on every runner: a seed's permutation is the one its definition gives, wherever it runs. */
class RandomShuffleTest {
  private static final Schema ITEMS = Schema.builder().addInt32Field("id").addNullableField("label", FieldType.STRING)
      .addNullableField("weight", FieldType.DOUBLE).build();

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toCollection(ArrayList::new));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aSeedGivesTheSamePermutationEverywhereAndAnotherSeedAnother(String runner) {
    List<Integer> numbers = range(600);
    numbers.addAll(List.of(5, 5, 7)); // equal elements are interchangeable
    List<KV<Long, Integer>> seven = ExpectedOrder.shuffled(numbers, VarIntCoder.of(), 7);
    List<KV<Long, Integer>> eight = ExpectedOrder.shuffled(numbers, VarIntCoder.of(), 8);
    assertNotEquals(seven, eight);
    assertNotEquals(numbers, seven.stream().map(KV::getValue).toList(), "seed 7 left the input in order");

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Integer> input = p.apply(Create.of(numbers));
    PAssert.that(input.apply("Seven", RandomShuffle.withSeed(7).<Integer>elements())).containsInAnyOrder(seven);
    PAssert.that(input.apply("SevenAgain", RandomShuffle.withSeed(7).<Integer>elements().withPartitions(5)))
        .containsInAnyOrder(seven);
    PAssert.that(input.apply("Eight", RandomShuffle.withSeed(8).<Integer>elements())).containsInAnyOrder(eight);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void rowsGetTheirPositionAsAnIndexColumn(String runner) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      rows.add(Row.withSchema(ITEMS).addValues(i % 40, i % 3 == 0 ? null : "l" + i % 4, i % 5 == 0 ? null : i / 8.0)
          .build());
    }
    Schema output = Schema.builder().addFields(ITEMS.getFields()).addInt64Field("position").build();
    List<Row> expected = ExpectedOrder.shuffled(rows, SchemaCoder.of(ITEMS), 99).stream()
        .map(kv -> Row.withSchema(output).addValues(kv.getValue().getValues()).addValue(kv.getKey()).build())
        .toList();

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> shuffled = p.apply(Create.of(rows).withRowSchema(ITEMS))
        .apply(RandomShuffle.withSeed(99).withIndexColumn("position").withPartitions(3));
    assertEquals(output, shuffled.getSchema());
    PAssert.that(shuffled).containsInAnyOrder(expected);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void unseededIsAPermutationAndEmptyOrSingleInputsWork(String runner) {
    List<String> words = IntStream.range(0, 200).mapToObj(i -> "w" + i).toList();
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<KV<Long, String>> unseeded = p.apply("Words", Create.of(words))
        .apply("Unseeded", RandomShuffle.create().<String>elements());
    PAssert.that(unseeded).satisfies(positioned -> {
      List<Long> positions = new ArrayList<>();
      List<String> values = new ArrayList<>();
      positioned.forEach(kv -> {
        positions.add(kv.getKey());
        values.add(kv.getValue());
      });
      assertEquals(LongStream.range(0, 200).boxed().toList(), positions.stream().sorted().toList());
      assertEquals(words.stream().sorted().toList(), values.stream().sorted().toList());
      return null;
    });
    PAssert.that(p.apply("Empty", Create.empty(StringUtf8Coder.of()))
        .apply("ShuffleEmpty", RandomShuffle.withSeed(1).<String>elements())).empty();
    PAssert.that(p.apply("Single", Create.of("only"))
        .apply("ShuffleSingle", RandomShuffle.withSeed(1).<String>elements()))
        .containsInAnyOrder(KV.of(0L, "only"));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void rejectsMapsTakenIndexNamesAndWindowedInput() {
    Schema withMap = Schema.builder().addInt32Field("id")
        .addMapField("attributes", FieldType.STRING, FieldType.STRING).build();
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> maps = p.apply("Maps", Create.empty(SchemaCoder.of(withMap)).withRowSchema(withMap));
    assertMessage("column 'attributes' is a map", () -> maps.apply("ShuffleMaps", RandomShuffle.withSeed(1)));
    PCollection<Row> items = p.apply("Items", Create.empty(SchemaCoder.of(ITEMS)).withRowSchema(ITEMS));
    assertMessage("already has a column 'label'",
        () -> items.apply("Taken", RandomShuffle.withSeed(1).withIndexColumn("label")));
    PCollection<Integer> windowed = p.apply("Numbers", Create.of(1, 2))
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))));
    assertMessage("must be in the global window",
        () -> windowed.apply("Windowed", RandomShuffle.withSeed(1).<Integer>elements()));
    assertMessage("partitions must be between 1 and 10000, was -2", () -> RandomShuffle.create().withPartitions(-2));
    // Floating point is accepted: its coders write the same bits everywhere.
    EncodedHash.requireDeterministic("test", KvCoder.of(StringUtf8Coder.of(), SchemaCoder.of(ITEMS)));
  }

}
