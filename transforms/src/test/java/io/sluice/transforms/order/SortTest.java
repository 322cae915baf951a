package io.sluice.transforms.order;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sort on every runner: the index each row gets equals a plain-Java sort of the input. */
class SortTest {
  private static final Schema SCORES = Schema.builder()
      .addInt32Field("id")
      .addNullableField("team", FieldType.STRING)
      .addNullableField("score", FieldType.DOUBLE)
      .build();
  private static final Coder<Row> SCORES_CODER = SchemaCoder.of(SCORES);

  /** Few distinct values, so ties on every key; nulls in both keys; some rows repeated exactly. */
  private static List<Row> scores() {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      String team = i % 7 == 0 ? null : "t" + random.nextInt(3);
      Double score = i % 5 == 0 ? null : (double) (random.nextInt(9) - 3);
      rows.add(Row.withSchema(SCORES).addValues(random.nextInt(12), team, score).build());
    }
    rows.add(rows.get(3));
    rows.add(rows.get(3));
    rows.add(rows.get(10));
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void sortsAscendingDescendingAndByTwoKeysWithNullsAndTies(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> rows = scores();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(SCORES));

    PAssert.that(input.apply("Ascending", Sort.by("score"))).containsInAnyOrder(
        ExpectedOrder.sorted(rows, SCORES, SCORES_CODER, ExpectedOrder.ascending("score"), "row_index"));
    PAssert.that(input.apply("Descending", Sort.by("score").descending().withIndexColumn("rank"))).containsInAnyOrder(
        ExpectedOrder.sorted(rows, SCORES, SCORES_CODER, ExpectedOrder.descending("score"), "rank"));
    Comparator<Row> teamThenBestScore = ExpectedOrder.<String>ascending("team")
        .thenComparing(ExpectedOrder.<Double>descending("score"));
    PAssert.that(input.apply("TwoKeys", Sort.by("team", "score").descending(false, true).withPartitions(3)))
        .containsInAnyOrder(ExpectedOrder.sorted(rows, SCORES, SCORES_CODER, teamThenBestScore, "row_index"));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void rangePartitioningSplitsASkewedKeyAcrossPartitions(String runner) {
    Schema schema = Schema.builder().addInt64Field("bucket").addInt32Field("id").addStringField("name").build();
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // Four rows in five share bucket 42.
      long bucket = i % 5 == 0 ? random.nextInt(1000) - 500 : 42;
      rows.add(Row.withSchema(schema).addValues(bucket, i, "n" + (i * 7919 % 3000)).build());
    }
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> sorted = p.apply(Create.of(rows).withRowSchema(schema))
        .apply("SkewedSort", Sort.by("bucket").withPartitions(8));
    PAssert.that(sorted).containsInAnyOrder(
        ExpectedOrder.sorted(rows, schema, SchemaCoder.of(schema), ExpectedOrder.ascending("bucket"), "row_index"));
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    DistributionResult ranges = partitionRows(result, "SkewedSort");
    assertEquals(3000, ranges.getSum());
    assertTrue(ranges.getCount() >= 5, "rows went to only " + ranges.getCount() + " of 8 ranges");
    // Bucket 42 alone holds 2400 rows: a range far smaller shows it was split by the rows' bytes.
    assertTrue(ranges.getMax() <= 1000, "largest range has " + ranges.getMax() + " rows");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void emptyInputGivesNothingAndASingleRowIndexZero(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> empty = p.apply("Empty", Create.empty(SCORES_CODER).withRowSchema(SCORES))
        .apply("SortEmpty", Sort.by("score"));
    Row only = Row.withSchema(SCORES).addValues(1, null, null).build();
    PCollection<Row> single = p.apply("Single", Create.of(only).withRowSchema(SCORES))
        .apply("SortSingle", Sort.by("team", "score").descending());
    PAssert.that(empty).empty();
    PAssert.that(single).containsInAnyOrder(
        ExpectedOrder.sorted(List.of(only), SCORES, SCORES_CODER, ExpectedOrder.ascending("id"), "row_index"));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void sortsDecimalsBooleansBytesAndLogicalTypes(String runner) {
    Schema schema = Schema.builder()
        .addBooleanField("flag")
        .addNullableField("amount", FieldType.DECIMAL)
        .addByteArrayField("tag")
        .addLogicalTypeField("at", SqlTypes.DATETIME)
        .build();
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      BigDecimal amount = i % 9 == 0 ? null : BigDecimal.valueOf(random.nextInt(2001) - 1000, random.nextInt(4));
      byte[] tag = new byte[random.nextInt(3)];
      random.nextBytes(tag);
      LocalDateTime at = LocalDateTime.of(2024, 1 + random.nextInt(2), 1, random.nextInt(3), 0);
      rows.add(Row.withSchema(schema).addValues(random.nextBoolean(), amount, tag, at).build());
    }
    Coder<Row> coder = SchemaCoder.of(schema);
    Comparator<Row> byTag = (a, b) -> java.util.Arrays.compareUnsigned(a.getBytes("tag"), b.getBytes("tag"));

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(schema));
    PAssert.that(input.apply("FlagAmountTag", Sort.by("flag", "amount", "tag").descending(false, true, false)))
        .containsInAnyOrder(ExpectedOrder.sorted(rows, schema, coder, ExpectedOrder.<Boolean>ascending("flag")
            .thenComparing(ExpectedOrder.<BigDecimal>descending("amount")).thenComparing(byTag), "row_index"));
    PAssert.that(input.apply("At", Sort.by("at")))
        .containsInAnyOrder(ExpectedOrder.sorted(rows, schema, coder, ExpectedOrder.<LocalDateTime>ascending("at"),
            "row_index"));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void invalidSortsFailAtConstructionOrExpansionNamingTheProblem() {
    assertMessage("at least one column", () -> Sort.by());
    assertMessage("named twice", () -> Sort.by("a", "a"));
    assertMessage("one flag per sort column [a, b], got 1", () -> Sort.by("a", "b").descending(true));
    assertMessage("partitions must be between 1 and 10000, was 0", () -> Sort.by("a").withPartitions(0));
    assertMessage("index column must be a non-empty name", () -> Sort.by("a").withIndexColumn(""));

    Schema schema = Schema.builder().addInt32Field("id").addArrayField("tags", FieldType.STRING).build();
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> input = p.apply(Create.empty(SchemaCoder.of(schema)).withRowSchema(schema));
    assertMessage("unknown column 'score'; the input has columns [id, tags]",
        () -> input.apply("Unknown", Sort.by("id", "score")));
    assertMessage("column 'tags' has type", () -> input.apply("Array", Sort.by("tags")));
    assertMessage("already has a column 'id'", () -> input.apply("Taken", Sort.by("id").withIndexColumn("id")));
    PCollection<Row> windowed = input.apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))));
    assertMessage("must be in the global window", () -> windowed.apply("Windowed", Sort.by("id")));
  }

  static DistributionResult partitionRows(PipelineResult result, String step) {
    List<MetricResult<DistributionResult>> found = new ArrayList<>();
    result.metrics().queryMetrics(MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.named(RangeIndex.class, RangeIndex.PARTITION_ROWS))
            .addStep(step)
            .build())
        .getDistributions()
        .forEach(found::add);
    assertEquals(1, found.size(), "partition metrics of " + step + ": " + found);
    return found.get(0).getAttempted();
  }

}
