package io.sluice.transforms.arrow;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.ActorPool;
import io.sluice.transforms.MapBatches;
import io.sluice.transforms.TaskPool;
import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.OneOfType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MapBatches with Arrow batches, the same on every runner. */
class MapBatchesArrowTest {
  static final Schema INPUT = Schema.builder()
      .addNullableField("a", Schema.FieldType.INT64)
      .addNullableField("b", Schema.FieldType.INT64)
      .addStringField("name")
      .build();
  static final Schema WITH_SUM = Schema.builder()
      .addFields(INPUT.getFields())
      .addNullableField("sum", Schema.FieldType.INT64)
      .build();
  static final Schema SCALED = Schema.builder()
      .addStringField("name")
      .addNullableField("scaled", Schema.FieldType.INT64)
      .build();

  /** Set-ups and batches seen per run, by a run id carried in the UDF (runs share this JVM). */
  static final Map<String, AtomicInteger> SETUPS = new ConcurrentHashMap<>();
  static final Map<String, List<Integer>> BATCH_SIZES = new ConcurrentHashMap<>();
  private static final AtomicInteger RUNS = new AtomicInteger();

  private static String newRun() {
    String run = "arrow-run-" + RUNS.incrementAndGet();
    SETUPS.put(run, new AtomicInteger());
    BATCH_SIZES.put(run, Collections.synchronizedList(new ArrayList<>()));
    return run;
  }

  /** Rows with nulls in a (every 5th) and b (every 7th), so some sums have one null side or both. */
  static List<Row> inputRows(int count) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(Row.withSchema(INPUT)
          .addValues(i % 5 == 0 ? null : (long) i, i % 7 == 0 ? null : 10L * i, "row " + i).build());
    }
    return rows;
  }

  static Row withSum(Row row) {
    Long a = row.getInt64("a");
    Long b = row.getInt64("b");
    return Row.withSchema(WITH_SUM).addValues(a, b, row.getString("name"), a == null || b == null ? null : a + b).build();
  }

  /** Adds "sum" = a + b, null when either is; the output root reuses the input's vectors. */
  static VectorSchemaRoot addSum(VectorSchemaRoot batch, BufferAllocator allocator) {
    BigIntVector a = (BigIntVector) batch.getVector("a");
    BigIntVector b = (BigIntVector) batch.getVector("b");
    BigIntVector sum = new BigIntVector("sum", allocator);
    sum.allocateNew(batch.getRowCount());
    for (int i = 0; i < batch.getRowCount(); i++) {
      if (a.isNull(i) || b.isNull(i)) {
        sum.setNull(i);
      } else {
        sum.set(i, a.get(i) + b.get(i));
      }
    }
    sum.setValueCount(batch.getRowCount());
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    vectors.add(sum);
    return new VectorSchemaRoot(vectors);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void anArrowUdfAddsAColumnComputedFromTwoOthersIncludingNulls(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> rows = inputRows(40);
    PCollection<Row> summed = p.apply("Rows", Create.of(rows).withRowSchema(INPUT))
        .apply("AddSum", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum)
            .withBatchSize(6).withTaskPool(TaskPool.size(2)).preservesRowCount().withOutputSchema(WITH_SUM));
    PCollection<Row> empty = p.apply("NoRows", Create.empty(INPUT))
        .apply("OnEmpty", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum).withOutputSchema(WITH_SUM));
    PCollection<Row> single = p.apply("OneRow", Create.of(rows.get(3)).withRowSchema(INPUT))
        .apply("OnSingle", MapBatches.<Row>ofArrow(MapBatchesArrowTest::addSum).withOutputSchema(WITH_SUM));

    PAssert.that(summed).containsInAnyOrder(rows.stream().map(MapBatchesArrowTest::withSum).toList());
    PAssert.that(empty).empty();
    PAssert.that(single).containsInAnyOrder(withSum(rows.get(3)));
    assertTrue(summed.hasSchema());
    assertEquals(WITH_SUM, summed.getSchema());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void anArrowClassUdfOnAnActorPoolIsSetUpOncePerInstance(String runner) {
    String run = newRun();
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> rows = inputRows(60);
    PCollection<Row> scaled = p.apply(Create.of(rows).withRowSchema(INPUT))
        .apply(MapBatches.<Row>ofArrowClass(new ScaleFactory(run, 3)).withBatchSize(8)
            .withActorPool(ActorPool.of(1, 2)).withOutputSchema(SCALED));
    PAssert.that(scaled).containsInAnyOrder(rows.stream().map(row -> Row.withSchema(SCALED)
        .addValues(row.getString("name"), row.getInt64("a") == null ? null : 3 * row.getInt64("a")).build()).toList());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());

    List<Integer> sizes = BATCH_SIZES.get(run);
    assertEquals(rows.size(), sizes.stream().mapToInt(Integer::intValue).sum());
    assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= 8), sizes.toString());
    int setups = SETUPS.get(run).get();
    assertTrue(setups >= 1 && setups < sizes.size(), setups + " set-ups for " + sizes.size() + " batches");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aUdfReturningARootOfTheWrongSchemaFailsTheRunNamingTheTransformAndBothSchemas(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    // Returns its input, which lacks the declared "sum" column.
    p.apply(Create.of(inputRows(5)).withRowSchema(INPUT))
        .apply("WrongSchema", MapBatches.<Row>ofArrow((batch, allocator) -> batch).withOutputSchema(WITH_SUM));
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    String messages = TestRunners.causeMessages(e);
    assertTrue(messages.contains("MapBatches '") && messages.contains("Beam field 'sum' has no Arrow column"), messages);
    assertTrue(messages.contains(ArrowSchemas.toArrowSchema(WITH_SUM).toString()), "the declared schema: " + messages);
    assertTrue(messages.contains("returned: " + ArrowSchemas.toArrowSchema(INPUT)), "the returned schema: " + messages);
    if (runner.equals("sluice")) {
      assertTrue(e.getMessage().contains("WrongSchema"), "SluiceRunner names the applied transform: " + e.getMessage());
    }
  }

  @Test
  void invalidArrowUsesFailAtConstructionNamingTheFix() {
    assertMessage("ofArrow: function must not be null", () -> MapBatches.ofArrow(null));
    assertMessage("ofArrowClass: factory must not be null", () -> MapBatches.ofArrowClass(null));
    assertMessage("withActorPool needs a class UDF",
        () -> MapBatches.ofArrow((batch, allocator) -> batch).withActorPool(ActorPool.of(1, 2)));
    assertMessage("withTaskPool needs a function UDF",
        () -> MapBatches.ofArrowClass(new ScaleFactory("x", 1)).withTaskPool(TaskPool.size(2)));
    assertMessage("withOutputCoder does not apply to an Arrow UDF",
        () -> MapBatches.ofArrow((batch, allocator) -> batch).withOutputCoder(null));

    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> rows = p.apply("Rows", Create.of(inputRows(2)).withRowSchema(INPUT));
    assertMessage("has an Arrow UDF but no output schema",
        () -> rows.apply("NoSchema", MapBatches.ofArrow((batch, allocator) -> batch)));
    assertMessage("has a class UDF but no actor pool",
        () -> rows.apply("NoPool", MapBatches.<Row>ofArrowClass(new ScaleFactory("x", 1)).withOutputSchema(SCALED)));
    PCollection<String> strings = p.apply("Strings", Create.of("a"));
    assertMessage("needs a schema'd input",
        () -> strings.apply("NotRows", MapBatches.<String>ofArrow((batch, allocator) -> batch).withOutputSchema(INPUT)));
    Schema noArrowForm = Schema.builder().addLogicalTypeField("choice",
        OneOfType.create(Schema.Field.of("x", Schema.FieldType.INT32), Schema.Field.of("y", Schema.FieldType.STRING)))
        .build();
    assertMessage("the output schema has no Arrow form: Beam field 'choice'",
        () -> rows.apply("OneOf", MapBatches.<Row>ofArrow((batch, allocator) -> batch).withOutputSchema(noArrowForm)));
    assertEquals(StringUtf8Coder.of(), strings.getCoder());
  }


  /** A class UDF multiplying "a" by a factor it "loads" at setup; keeps "name" by moving its buffers. */
  static final class ScaleFactory implements ArrowUdfFactory {
    private final String run;
    private final long factor;

    ScaleFactory(String run, long factor) {
      this.run = run;
      this.factor = factor;
    }

    @Override
    public ArrowBatchUdf create() {
      return new ArrowBatchUdf() {
        private long loaded;

        @Override
        public void setup() {
          SETUPS.computeIfAbsent(run, r -> new AtomicInteger()).incrementAndGet();
          loaded = factor;
        }

        @Override
        public VectorSchemaRoot apply(VectorSchemaRoot batch, BufferAllocator allocator) {
          BATCH_SIZES.computeIfAbsent(run, r -> Collections.synchronizedList(new ArrayList<>())).add(batch.getRowCount());
          BigIntVector a = (BigIntVector) batch.getVector("a");
          BigIntVector scaled = new BigIntVector("scaled", allocator);
          scaled.allocateNew(batch.getRowCount());
          for (int i = 0; i < batch.getRowCount(); i++) {
            if (a.isNull(i)) {
              scaled.setNull(i);
            } else {
              scaled.set(i, loaded * a.get(i));
            }
          }
          scaled.setValueCount(batch.getRowCount());
          TransferPair name = batch.getVector("name").getTransferPair(allocator);
          name.transfer();
          return new VectorSchemaRoot(List.of((FieldVector) name.getTo(), scaled));
        }
      };
    }
  }
}
