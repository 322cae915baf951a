package io.sluice.transforms.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import java.util.stream.IntStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Repartition and RandomizeBlockOrder on every runner: exactly the same elements out, duplicates included. */
class RepartitionTest {
  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void keepTheMultisetOfElementsAndRows(String runner) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      numbers.add(i % 450); // 50 values twice
    }
    Schema schema = Schema.builder().addInt32Field("id").addNullableField("name", FieldType.STRING).build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(Row.withSchema(schema).addValues(i % 10, i % 4 == 0 ? null : "n" + i % 10).build());
    }

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Integer> input = p.apply("Numbers", Create.of(numbers));
    PAssert.that(input.apply("Into7", Repartition.of(7))).containsInAnyOrder(numbers);
    PAssert.that(input.apply("Into1", Repartition.of(1))).containsInAnyOrder(numbers);
    // Few elements for Redistribute.arbitrarily(): DirectRunner groups each of its random keys on its own, slowly.
    List<Integer> few = numbers.subList(0, 60);
    PAssert.that(p.apply("Few", Create.of(few)).apply("Randomize", RandomizeBlockOrder.create()))
        .containsInAnyOrder(few);
    PCollection<Row> rowsIn = p.apply("Rows", Create.of(rows).withRowSchema(schema));
    PCollection<Row> rowsOut = rowsIn.apply("RowsInto3", Repartition.of(3));
    PAssert.that(rowsOut).containsInAnyOrder(rows);
    PAssert.that(rowsIn.apply("RowsRandomize", RandomizeBlockOrder.create())).containsInAnyOrder(rows);
    PCollection<Integer> empty = p.apply("Empty", Create.empty(VarIntCoder.of()));
    PAssert.that(empty.apply("EmptyInto4", Repartition.of(4))).empty();
    PAssert.that(empty.apply("EmptyRandomize", RandomizeBlockOrder.create())).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    assertEquals(schema, rowsOut.getSchema());
  }

  @Test
  @Tag(TestRunners.SLUICE_ONLY)
  void onSluiceTheNextStepGetsExactlyNBlocksOfEqualSize() {
    Pipeline p = TestRunners.pipeline("sluice");
    PCollection<Integer> numbers = p.apply(Create.of(IntStream.range(0, 1000).boxed().toList()));
    // Each block is one bundle on SluiceRunner: the bundle sizes are the block sizes.
    PCollection<Integer> sizes = numbers.apply(Repartition.of(7)).apply(ParDo.of(new BundleSizeFn()));
    PAssert.that(sizes).containsInAnyOrder(143, 143, 143, 143, 143, 143, 142);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  /** Outputs the size of each bundle it processes. */
  static final class BundleSizeFn extends DoFn<Integer, Integer> {
    private transient int size;

    @StartBundle
    public void start() {
      size = 0;
    }

    @ProcessElement
    public void process() {
      size++;
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      if (size > 0) {
        context.output(size, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }

  @Test
  void aPartitionCountBelowOneFailsAtConstruction() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Repartition.of(0));
    assertTrue(e.getMessage().contains("partitions must be >= 1, was 0"), e.getMessage());
  }
}
