package io.sluice.transforms.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.BatchUdf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

/**
 * The Arrow batch format's memory rules, on one UDF instance as a DoFn instance holds it: every
 * way a UDF may build its output leaves the instance's allocator empty after each batch, and a UDF
 * that leaks fails its batch.
 */
class ArrowFormatUdfTest {
  private static final Schema INPUT = Schema.builder()
      .addNullableField("a", Schema.FieldType.INT64).addStringField("name").build();
  private static final Schema OUTPUT = Schema.builder()
      .addNullableField("a", Schema.FieldType.INT64).addStringField("name")
      .addNullableField("twice", Schema.FieldType.INT64).build();

  private static ArrowFormatUdf<Row> udf(ArrowBatchFunction function) throws Exception {
    BatchUdf<Row, Row> udf = ArrowFormatUdf.factory(new ArrowFormatUdf.Format<Row>("Test", INPUT, row -> row, OUTPUT),
        ArrowFormatUdf.udfs(function)).create();
    udf.setup();
    return (ArrowFormatUdf<Row>) udf;
  }

  private static List<Row> rows(int count) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(Row.withSchema(INPUT).addValues(i % 3 == 0 ? null : (long) i, "row " + i).build());
    }
    return rows;
  }

  private static List<Row> expected(List<Row> input) {
    return input.stream().map(row -> Row.withSchema(OUTPUT).addValues(row.getInt64("a"), row.getString("name"),
        row.getInt64("a") == null ? null : 2 * row.getInt64("a")).build()).toList();
  }

  /** A vector "twice" = 2 * a, allocated from the batch's allocator. */
  private static BigIntVector twice(VectorSchemaRoot batch, BufferAllocator allocator) {
    BigIntVector a = (BigIntVector) batch.getVector("a");
    BigIntVector twice = new BigIntVector("twice", allocator);
    twice.allocateNew(batch.getRowCount());
    for (int i = 0; i < batch.getRowCount(); i++) {
      if (a.isNull(i)) {
        twice.setNull(i);
      } else {
        twice.set(i, 2 * a.get(i));
      }
    }
    twice.setValueCount(batch.getRowCount());
    return twice;
  }

  /** A new root of the batch's vectors and one more (Arrow's addVector inserts, it cannot append). */
  private static VectorSchemaRoot withColumn(VectorSchemaRoot batch, FieldVector column) {
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    vectors.add(column);
    return new VectorSchemaRoot(vectors);
  }

  @Test
  void aCloseWhileABatchRunsIsPutOffUntilTheBatchEnds() throws Exception {
    // DirectRunner tears a failed run's DoFns down while other threads' bundles still run in them.
    CountDownLatch inBatch = new CountDownLatch(1);
    CountDownLatch mayEnd = new CountDownLatch(1);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    BatchUdf<Row, Row> created = ArrowFormatUdf.factory(new ArrowFormatUdf.Format<Row>("Test", INPUT, row -> row, OUTPUT),
        () -> new ArrowBatchUdf() {
          @Override
          public VectorSchemaRoot apply(VectorSchemaRoot batch, BufferAllocator allocator) throws Exception {
            BigIntVector column = twice(batch, allocator); // held across the close
            inBatch.countDown();
            assertTrue(mayEnd.await(10, TimeUnit.SECONDS));
            events.add("batch ended");
            return withColumn(batch, column);
          }

          @Override
          public void close() {
            events.add("UDF closed");
          }
        }).create();
    created.setup();
    ArrowFormatUdf<Row> udf = (ArrowFormatUdf<Row>) created;
    List<Row> input = rows(10);

    CompletableFuture<List<Row>> batch = CompletableFuture.supplyAsync(() -> {
      try {
        return udf.apply(input);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(inBatch.await(10, TimeUnit.SECONDS));
    udf.close(); // closing the allocator now would fail: the batch's buffers are still allocated
    events.add("close returned");
    mayEnd.countDown();

    assertEquals(expected(input), batch.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("close returned", "batch ended", "UDF closed"), events);
    assertEquals(0, udf.allocatedBytes());
    IllegalStateException late = assertThrows(IllegalStateException.class, () -> udf.apply(input));
    assertTrue(late.getMessage().contains("closed"), late.getMessage());
  }

  @Test
  void outputsSharingMovingOrReusingTheInputsVectorsLeaveNoMemoryBetweenBatches() throws Exception {
    List<ArrowBatchFunction> functions = List.of(
        // A new root holding the input's vectors and a new one.
        (batch, allocator) -> withColumn(batch, twice(batch, allocator)),
        // The input's vectors moved into new ones.
        (batch, allocator) -> {
          BigIntVector twice = twice(batch, allocator);
          List<FieldVector> vectors = new ArrayList<>();
          for (FieldVector vector : batch.getFieldVectors()) {
            TransferPair move = vector.getTransferPair(allocator);
            move.transfer();
            vectors.add((FieldVector) move.getTo());
          }
          vectors.add(twice);
          return new VectorSchemaRoot(vectors);
        });
    for (ArrowBatchFunction function : functions) {
      ArrowFormatUdf<Row> udf = udf(function);
      for (int size : new int[] {5, 1, 64}) {
        List<Row> input = rows(size);
        assertEquals(expected(input), udf.apply(input));
        assertEquals(0, udf.allocatedBytes(), "bytes held after a batch of " + size);
      }
      udf.close();
    }
  }

  @Test
  void theInputRootItselfMayBeReturned() throws Exception {
    Schema same = INPUT;
    AtomicReference<VectorSchemaRoot> seen = new AtomicReference<>();
    BatchUdf<Row, Row> udf = ArrowFormatUdf.factory(new ArrowFormatUdf.Format<Row>("Same", INPUT, row -> row, same),
        ArrowFormatUdf.udfs((batch, allocator) -> {
          seen.set(batch);
          return batch;
        })).create();
    udf.setup();
    List<Row> input = rows(4);
    assertEquals(input, udf.apply(input));
    assertEquals(0, ((ArrowFormatUdf<Row>) udf).allocatedBytes());
    assertEquals(0, seen.get().getFieldVectors().get(0).getBufferSize(), "the input root was closed");
    udf.close();
  }

  @Test
  void aUdfThatKeepsAVectorItAllocatedFailsItsBatch() throws Exception {
    ArrowFormatUdf<Row> udf = udf((batch, allocator) -> {
      VarCharVector scratch = new VarCharVector("scratch", allocator);
      scratch.allocateNew(1024, 4);
      return withColumn(batch, twice(batch, allocator));
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> udf.apply(rows(3)));
    assertTrue(e.getMessage().contains("MapBatches 'Test': the Arrow UDF left")
        && e.getMessage().contains("bytes allocated after its batch"), e.getMessage());
    // The leaked buffers cannot be freed once their batch's allocator is closed: closing the
    // instance (at the DoFn's teardown) reports them again.
    assertTrue(udf.allocatedBytes() > 0);
    IllegalStateException atClose = assertThrows(IllegalStateException.class, udf::close);
    assertTrue(atClose.getMessage().contains("Memory was leaked"), atClose.getMessage());
  }

  @Test
  void aFailingUdfOrANullResultLeavesNoMemory() throws Exception {
    ArrowFormatUdf<Row> throwing = udf((batch, allocator) -> {
      throw new IllegalStateException("model failed");
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> throwing.apply(rows(3)));
    assertEquals("model failed", e.getMessage());
    assertEquals(0, throwing.allocatedBytes(), "the input root is closed when the UDF fails");
    throwing.close();

    ArrowFormatUdf<Row> returnsNull = udf((batch, allocator) -> null);
    e = assertThrows(IllegalStateException.class, () -> returnsNull.apply(rows(2)));
    assertTrue(e.getMessage().contains("returned null for a batch of 2 rows"), e.getMessage());
    assertEquals(0, returnsNull.allocatedBytes());
    returnsNull.close();
  }

  @Test
  void aRootThatDoesNotFitTheOutputSchemaFailsNamingBothSchemas() throws Exception {
    ArrowFormatUdf<Row> udf = udf((batch, allocator) -> batch);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> udf.apply(rows(2)));
    assertTrue(e.getMessage().contains("MapBatches 'Test'"), e.getMessage());
    assertTrue(e.getMessage().contains("Beam field 'twice' has no Arrow column"), e.getMessage());
    assertTrue(e.getMessage().contains(ArrowSchemas.toArrowSchema(OUTPUT).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("returned: " + ArrowSchemas.toArrowSchema(INPUT)), e.getMessage());
    assertEquals(0, udf.allocatedBytes());
    udf.close();
  }

  @Test
  void theClassUdfIsSetUpOnceAndClosedWithTheFormat() throws Exception {
    List<String> calls = new ArrayList<>();
    ArrowUdfFactory factory = () -> new ArrowBatchUdf() {
      @Override
      public void setup() {
        calls.add("setup");
      }

      @Override
      public VectorSchemaRoot apply(VectorSchemaRoot batch, BufferAllocator allocator) {
        calls.add("apply");
        return withColumn(batch, twice(batch, allocator));
      }

      @Override
      public void close() {
        calls.add("close");
      }
    };
    BatchUdf<Row, Row> udf = ArrowFormatUdf.factory(new ArrowFormatUdf.Format<Row>("Class", INPUT, row -> row, OUTPUT),
        factory).create();
    udf.setup();
    udf.apply(rows(2));
    udf.apply(rows(3));
    udf.close();
    assertEquals(List.of("setup", "apply", "apply", "close"), calls);
    assertSame(ArrowFormatUdf.class, udf.getClass());
  }
}
