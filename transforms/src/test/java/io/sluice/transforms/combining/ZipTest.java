package io.sluice.transforms.combining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Zip pairs rows by their row index on every runner, and fails the run on indexes that do not pair up. */
class ZipTest {
  private static final Schema LEFT = Schema.builder()
      .addInt64Field("row_index").addStringField("id").addNullableDoubleField("score").build();
  private static final Schema RIGHT = Schema.builder()
      .addStringField("id").addInt64Field("row_index").addInt32Field("label").build();
  /** The index once, the left's columns, the right's; the right's "id" is taken, so it becomes "id_1". */
  private static final Schema ZIPPED = Schema.builder()
      .addInt64Field("row_index").addStringField("id").addNullableDoubleField("score")
      .addStringField("id_1").addInt32Field("label").build();

  /** Rows seen after a Zip, per run (runs share this JVM). */
  static final Map<String, AtomicInteger> ROWS_PASSED = new ConcurrentHashMap<>();
  private static final AtomicInteger RUNS = new AtomicInteger();

  private static Row left(long index) {
    return Row.withSchema(LEFT).addValues(index, "L" + index, index % 3 == 0 ? null : index * 0.5).build();
  }

  private static Row right(long index) {
    return Row.withSchema(RIGHT).addValues("R" + index, index, (int) (index * 10)).build();
  }

  /** The rows of the given indexes, in a scrambled order: a PCollection's order means nothing anyway. */
  private static List<Row> rows(List<Long> indexes, boolean leftSide) {
    List<Row> rows = new ArrayList<>();
    indexes.forEach(i -> rows.add(leftSide ? left(i) : right(i)));
    Collections.shuffle(rows, new Random(indexes.size()));
    return rows;
  }

  private static List<Long> range(long from, long to) {
    List<Long> indexes = new ArrayList<>();
    for (long i = from; i < to; i++) {
      indexes.add(i);
    }
    return indexes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void pairsRowsWithEqualIndexesIncludingEmptyAndSingleInputs(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Long> indexes = range(0, 25);
    PCollection<Row> zipped = p.apply("Left", Create.of(rows(indexes, true)).withRowSchema(LEFT))
        .apply("Zip", Zip.with(p.apply("Right", Create.of(rows(indexes, false)).withRowSchema(RIGHT))));
    assertEquals(ZIPPED, zipped.getSchema());
    PAssert.that("Zip", zipped).containsInAnyOrder(expectedPairs(indexes));

    PCollection<Row> emptyZipped = p.apply("EmptyLeft", Create.empty(LEFT))
        .apply("ZipEmpty", Zip.with(p.apply("EmptyRight", Create.empty(RIGHT))));
    PAssert.that("ZipEmpty", emptyZipped).empty();

    PCollection<Row> singleZipped = p.apply("SingleLeft", Create.of(List.of(left(7))).withRowSchema(LEFT))
        .apply("ZipSingle", Zip.with(p.apply("SingleRight", Create.of(List.of(right(7))).withRowSchema(RIGHT))));
    PAssert.that("ZipSingle", singleZipped).containsInAnyOrder(expectedPairs(List.of(7L)));

    // A named index column, and a right column whose "_1" name is taken too.
    Schema a = Schema.builder().addStringField("x").addStringField("x_1").addInt64Field("pos").build();
    Schema b = Schema.builder().addInt64Field("pos").addStringField("x").build();
    PCollection<Row> named = p.apply("A", Create.of(List.of(Row.withSchema(a).addValues("a", "a1", 0L).build(),
            Row.withSchema(a).addValues("b", "b1", 1L).build())).withRowSchema(a))
        .apply("ZipOnPos", Zip.with(p.apply("B", Create.of(List.of(Row.withSchema(b).addValues(1L, "B").build(),
            Row.withSchema(b).addValues(0L, "A").build())).withRowSchema(b))).onIndex("pos"));
    Schema namedOut = Schema.builder().addInt64Field("pos").addStringField("x").addStringField("x_1")
        .addStringField("x_2").build();
    assertEquals(namedOut, named.getSchema());
    PAssert.that("ZipOnPos", named).containsInAnyOrder(
        Row.withSchema(namedOut).addValues(0L, "a", "a1", "A").build(),
        Row.withSchema(namedOut).addValues(1L, "b", "b1", "B").build());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  /** Each index's left row and right row side by side, built from the same row makers as the inputs. */
  private static List<Row> expectedPairs(List<Long> indexes) {
    List<Row> pairs = new ArrayList<>();
    for (long i : indexes) {
      Row l = left(i);
      Row r = right(i);
      pairs.add(Row.withSchema(ZIPPED).addValues(i, l.getString("id"), l.getDouble("score"), r.getString("id"),
          r.getInt32("label")).build());
    }
    return pairs;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aMissingIndexFailsTheRunNamingTheFirstAndTheSideThatLacksIt(String runner) {
    List<Long> leftIndexes = range(0, 10);
    List<Long> rightIndexes = new ArrayList<>(range(0, 10));
    rightIndexes.remove(Long.valueOf(6));
    rightIndexes.remove(Long.valueOf(4));
    rightIndexes.add(12L);
    String failure = runExpectingFailure(runner, leftIndexes, rightIndexes);
    assertTrue(failure.contains("row index 4 is on the left but missing on the right"), failure);

    // No row pairs up at all here, so nothing but the check itself can fail the run.
    String leftEmpty = runExpectingFailure(runner, List.of(), range(2, 5));
    assertTrue(leftEmpty.contains("row index 2 is on the right but missing on the left"), leftEmpty);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aRepeatedIndexFailsTheRun(String runner) {
    List<Long> rightIndexes = new ArrayList<>(range(0, 6));
    rightIndexes.add(3L);
    String failure = runExpectingFailure(runner, range(0, 6), rightIndexes);
    assertTrue(failure.contains("row index 3 appears 2 times on the right"), failure);
  }

  /** Runs a zip expected to fail; checks that no zipped row reached the next step, and returns the failure. */
  private static String runExpectingFailure(String runner, List<Long> leftIndexes, List<Long> rightIndexes) {
    String run = "run-" + RUNS.incrementAndGet();
    ROWS_PASSED.put(run, new AtomicInteger());
    Pipeline p = TestRunners.pipeline(runner);
    p.apply("Left", Create.of(rows(leftIndexes, true)).withRowSchema(LEFT))
        .apply("Zip", Zip.with(p.apply("Right", Create.of(rows(rightIndexes, false)).withRowSchema(RIGHT))))
        .apply("Count", ParDo.of(new CountRows(run)));
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    assertEquals(0, ROWS_PASSED.get(run).get(), "zipped rows reached the next step of a failing run");
    return TestRunners.causeMessages(e);
  }

  @Test
  void invalidIndexColumnsFailAtExpand() {
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> left = p.apply("Left", Create.empty(LEFT));
    Schema intIndex = Schema.builder().addInt32Field("row_index").build();
    PCollection<Row> ints = p.apply("Ints", Create.empty(intIndex));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> left.apply("Missing", Zip.with(left).onIndex("pos")));
    assertTrue(missing.getMessage().contains(
        "unknown index column 'pos' on the left; the left input has columns [row_index, id, score]"),
        missing.getMessage());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> left.apply("WrongType", Zip.with(ints)));
    assertTrue(wrongType.getMessage().contains("index column 'row_index' on the right is INT32 NOT NULL; "
        + "it must be INT64"), wrongType.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Zip.with(left).onIndex(""));
  }

  /** Counts the rows that get past the zip, under a run id. */
  static final class CountRows extends DoFn<Row, Void> {
    private final String run;

    CountRows(String run) {
      this.run = run;
    }

    @ProcessElement
    public void process(@Element Row row) {
      ROWS_PASSED.get(run).incrementAndGet();
    }
  }
}
