package io.sluice.transforms.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.SluicePipelineResult;
import io.sluice.transforms.ActorPool;
import io.sluice.transforms.MapBatches;
import io.sluice.transforms.rows.Limit;
import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chains of Arrow MapBatches: the same results on every runner, whatever the two batch sizes; on
 * SluiceRunner the batches one returns reach the next with no copy.
 */
class ArrowColumnarHandoffTest {
  static final Schema DOUBLED = Schema.builder()
      .addFields(MapBatchesArrowTest.WITH_SUM.getFields())
      .addNullableField("twice", Schema.FieldType.INT64)
      .build();

  /** Addresses of the "sum" buffers the first step returned, per run; hits when the second step's input has one. */
  private static final Set<Long> RETURNED_SUM_BUFFERS = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger BATCHES_SEEN = new AtomicInteger();
  private static final AtomicInteger BATCHES_RECEIVED_AS_RETURNED = new AtomicInteger();

  static Row doubled(Row withSum) {
    Long sum = withSum.getInt64("sum");
    return Row.withSchema(DOUBLED).addValues(withSum.getValues()).addValue(sum == null ? null : 2 * sum).build();
  }

  /** Adds "twice" = 2 * sum, reusing the input's vectors. */
  static VectorSchemaRoot addTwice(VectorSchemaRoot batch, BufferAllocator allocator) {
    BigIntVector sum = (BigIntVector) batch.getVector("sum");
    BigIntVector twice = new BigIntVector("twice", allocator);
    twice.allocateNew(batch.getRowCount());
    for (int i = 0; i < batch.getRowCount(); i++) {
      if (sum.isNull(i)) {
        twice.setNull(i);
      } else {
        twice.set(i, 2 * sum.get(i));
      }
    }
    twice.setValueCount(batch.getRowCount());
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    vectors.add(twice);
    return new VectorSchemaRoot(vectors);
  }

  static VectorSchemaRoot addSumRecordingItsBuffer(VectorSchemaRoot batch, BufferAllocator allocator) {
    VectorSchemaRoot output = MapBatchesArrowTest.addSum(batch, allocator);
    RETURNED_SUM_BUFFERS.add(((BigIntVector) output.getVector("sum")).getDataBuffer().memoryAddress());
    return output;
  }

  static VectorSchemaRoot addTwiceCheckingItsInput(VectorSchemaRoot batch, BufferAllocator allocator) {
    BATCHES_SEEN.incrementAndGet();
    if (RETURNED_SUM_BUFFERS.contains(((BigIntVector) batch.getVector("sum")).getDataBuffer().memoryAddress())) {
      BATCHES_RECEIVED_AS_RETURNED.incrementAndGet();
    }
    return addTwice(batch, allocator);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void chainedArrowUdfsGiveTheSameRowsWhateverTheirBatchSizes(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> rows = MapBatchesArrowTest.inputRows(101);
    List<Row> expected = rows.stream().map(MapBatchesArrowTest::withSum).map(ArrowColumnarHandoffTest::doubled).toList();
    PCollection<Row> input = p.apply("Rows", Create.of(rows).withRowSchema(MapBatchesArrowTest.INPUT));
    // Equal sizes; a smaller second size (slices); a larger one (batches spanning blocks); no size.
    int[][] sizes = {{8, 8}, {8, 3}, {5, 12}, {0, 0}};
    for (int[] size : sizes) {
      String name = size[0] + "-" + size[1];
      PCollection<Row> summed = input.apply("Sum " + name, sized(MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum)
          .withOutputSchema(MapBatchesArrowTest.WITH_SUM), size[0]));
      PCollection<Row> twice = summed.apply("Twice " + name, sized(MapBatches.<Row>ofArrow(ArrowColumnarHandoffTest::addTwice)
          .withOutputSchema(DOUBLED).preservesRowCount(), size[1]));
      PAssert.that("sizes " + name, twice).containsInAnyOrder(expected);
    }
    PCollection<Row> empty = p.apply("NoRows", Create.empty(MapBatchesArrowTest.INPUT))
        .apply("Sum empty", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum).withOutputSchema(MapBatchesArrowTest.WITH_SUM))
        .apply("Twice empty", MapBatches.<Row>ofArrow(ArrowColumnarHandoffTest::addTwice).withOutputSchema(DOUBLED));
    PAssert.that(empty).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void anActorPoolStepBetweenTwoArrowTaskStepsKeepsEveryRow(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> rows = MapBatchesArrowTest.inputRows(77);
    PCollection<Row> scaled = p.apply(Create.of(rows).withRowSchema(MapBatchesArrowTest.INPUT))
        .apply("Sum", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum).withBatchSize(10)
            .withOutputSchema(MapBatchesArrowTest.WITH_SUM))
        .apply("Scale", MapBatches.<Row>ofArrowClass(new MapBatchesArrowTest.ScaleFactory("handoff", 2)).withBatchSize(4)
            .withActorPool(ActorPool.of(1, 2)).withOutputSchema(MapBatchesArrowTest.SCALED));
    PAssert.that(scaled).containsInAnyOrder(rows.stream().map(row -> Row.withSchema(MapBatchesArrowTest.SCALED)
        .addValues(row.getString("name"), row.getInt64("a") == null ? null : 2 * row.getInt64("a")).build()).toList());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  @Tag(TestRunners.SLUICE_ONLY)
  void onSluiceTheSecondUdfGetsTheVeryBuffersTheFirstReturnedAndNoneIsLeftAllocated() {
    BATCHES_SEEN.set(0);
    BATCHES_RECEIVED_AS_RETURNED.set(0);
    Pipeline p = TestRunners.pipeline("sluice");
    List<Row> rows = MapBatchesArrowTest.inputRows(200);
    PCollection<Row> twice = p.apply(Create.of(rows).withRowSchema(MapBatchesArrowTest.INPUT))
        .apply("Sum", MapBatches.<Row>ofArrow(ArrowColumnarHandoffTest::addSumRecordingItsBuffer).withBatchSize(16)
            .withOutputSchema(MapBatchesArrowTest.WITH_SUM))
        .apply("Twice", MapBatches.<Row>ofArrow(ArrowColumnarHandoffTest::addTwiceCheckingItsInput).withBatchSize(16)
            .withOutputSchema(DOUBLED));
    PAssert.that(twice).containsInAnyOrder(
        rows.stream().map(MapBatchesArrowTest::withSum).map(ArrowColumnarHandoffTest::doubled).toList());
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(BATCHES_SEEN.get() >= 200 / 16, BATCHES_SEEN + " batches");
    assertEquals(BATCHES_SEEN.get(), BATCHES_RECEIVED_AS_RETURNED.get(),
        "every batch of the second step should be one the first returned, not a copy");
    assertTrue(result.explain().contains("[columnar: 2 steps]"), result.explain());
    assertEquals(0, ArrowMemory.columnarBlockBytes(), "every batch passed on is freed once read");
  }

  @Test
  @Tag(TestRunners.SLUICE_ONLY)
  void batchesHandedAcrossAQueueUnderATinyOffHeapBudgetAllArriveAndAreFreed() {
    // One byte off the heap: each producer may add a batch only while it holds none, and what
    // outgrows the budget anyway goes to disk; the heap budget stays at its default.
    Pipeline p = TestRunners.pipeline("sluice", "--offHeapMemoryBudget=1");
    List<Row> rows = MapBatchesArrowTest.inputRows(2_000);
    PCollection<Row> twice = p.apply(Create.of(rows).withRowSchema(MapBatchesArrowTest.INPUT))
        .apply("Sum", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum).withBatchSize(64)
            .withOutputSchema(MapBatchesArrowTest.WITH_SUM))
        .apply("Twice", MapBatches.<Row>ofArrowClass(() -> ArrowColumnarHandoffTest::addTwice).withBatchSize(64)
            .withActorPool(ActorPool.of(1, 1)).withOutputSchema(DOUBLED));
    PAssert.that(twice).containsInAnyOrder(
        rows.stream().map(MapBatchesArrowTest::withSum).map(ArrowColumnarHandoffTest::doubled).toList());
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(result.explain().contains("hands on columns"), result.explain());
    // The read emits its 32 batches in one task, faster than the pool takes them.
    assertTrue(result.stats().contains("spilled "), result.stats());
    assertEquals(0, ArrowMemory.columnarBlockBytes(), "every batch passed on is freed once read");
  }

  @Test
  @Tag(TestRunners.SLUICE_ONLY)
  void batchesDroppedWhenALimitStopsTheRunEarlyAreFreedToo() {
    Pipeline p = TestRunners.pipeline("sluice");
    PCollection<Row> rows = p.apply(GenerateSequence.from(0).to(2_000_000))
        .apply(MapElements.into(TypeDescriptors.rows()).via(i -> MapBatchesArrowTest.inputRows(1).get(0)))
        .setRowSchema(MapBatchesArrowTest.INPUT);
    PCollection<Row> twice = rows
        .apply("Sum", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum).withBatchSize(256)
            .withOutputSchema(MapBatchesArrowTest.WITH_SUM))
        // On an actor pool: the batches cross a queue, where a stop finds some waiting.
        .apply("Twice", MapBatches.<Row>ofArrowClass(() -> ArrowColumnarHandoffTest::addTwice).withBatchSize(256)
            .withActorPool(ActorPool.of(1, 1)).withOutputSchema(DOUBLED))
        .apply(Limit.of(10));
    PAssert.that(twice.apply(Count.globally())).containsInAnyOrder(10L);
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(result.explain().contains("hands on columns"), result.explain());
    assertTrue(result.stats().contains("stopped early"), result.stats());
    assertEquals(0, ArrowMemory.columnarBlockBytes(), "batches queued when the run stopped are freed");
  }

  @Test
  @Tag(TestRunners.SLUICE_ONLY)
  void aNullWhereTheOutputSchemaAllowsNoneFailsWhenTheBatchIsHandedOnAsWhenItIsReadAsRows() {
    Schema strict = Schema.builder().addInt64Field("sum").build();
    Pipeline p = TestRunners.pipeline("sluice");
    p.apply(Create.of(MapBatchesArrowTest.inputRows(10)).withRowSchema(MapBatchesArrowTest.INPUT))
        .apply("Strict", MapBatches.<Row>ofArrow((batch, allocator) -> {
          // The strict layout (a non-nullable int64), but with nulls in it.
          BigIntVector sum = new BigIntVector(
              new Field("sum", FieldType.notNullable(new ArrowType.Int(64, true)), null), allocator);
          sum.allocateNew(batch.getRowCount());
          for (int i = 0; i < batch.getRowCount(); i++) {
            if (i % 3 == 0) {
              sum.setNull(i);
            } else {
              sum.set(i, i);
            }
          }
          sum.setValueCount(batch.getRowCount());
          return VectorSchemaRoot.of(sum);
        }).withOutputSchema(strict))
        .apply("Next", MapBatches.<Row>ofArrow((batch, allocator) -> batch).withOutputSchema(strict))
        .apply(MapElements.into(TypeDescriptors.longs()).via(row -> row.getInt64("sum")));
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    String messages = TestRunners.causeMessages(e);
    assertTrue(messages.contains("Strict") && messages.contains("returned a null in column 'sum'"), messages);
  }

  private static MapBatches<Row, Row> sized(MapBatches<Row, Row> transform, int batchSize) {
    return batchSize == 0 ? transform : transform.withBatchSize(batchSize);
  }
}
