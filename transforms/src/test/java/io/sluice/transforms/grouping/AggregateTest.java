package io.sluice.transforms.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.transforms.testing.TestRunners;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Global aggregates: exactly one row on every runner, empty input included. */
class AggregateTest {
  private static final List<Row> TABLE = Reference.table(11);

  /** The aggregates each case runs, and their plain-Java references, column by column. */
  private static final List<Function<List<Row>, Object>> REFERENCES = List.of(
      rows -> (long) rows.size(), rows -> Reference.sumOfIntegers(rows, "i"), rows -> Reference.sumOfDoubles(rows, "d"),
      rows -> Reference.min(rows, "s"), rows -> Reference.max(rows, "t"), rows -> Reference.mean(rows, "d"),
      rows -> Reference.std(rows, "d", 1),
      rows -> (long) rows.stream().map(row -> row.getString("s")).distinct().count());

  private static Aggregate aggregates() {
    return Aggregate.globally(Agg.count(), Agg.sum("i"), Agg.sum("d"), Agg.min("s"), Agg.max("t"), Agg.mean("d"),
        Agg.std("d"), Agg.of(new GroupByTest.DistinctStrings("s"), "distinct(s)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void oneRowForATableASingleRowAllNullsAndEmptyInput(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> single = TABLE.subList(0, 1);
    // The "nulls" rows of the table have null in every aggregated column.
    List<Row> allNull = TABLE.stream().filter(row -> "nulls".equals(row.getString("k"))).toList();
    Map<String, List<Row>> cases = Map.of("Table", TABLE, "Single", single, "AllNull", allNull, "Empty", List.of());
    for (Map.Entry<String, List<Row>> input : cases.entrySet()) {
      PCollection<Row> out = p.apply(input.getKey(), Create.of(input.getValue()).withRowSchema(Reference.TABLE))
          .apply("Of" + input.getKey(), aggregates());
      assertEquals(List.of("count()", "sum(i)", "sum(d)", "min(s)", "max(t)", "mean(d)", "std(d)", "distinct(s)"),
          out.getSchema().getFieldNames());
      // No key columns: the whole row is the one expected row, matched by its zero-column key.
      List<Row> expected = Reference.expected(out.getSchema(), Map.of(List.of(), input.getValue()), REFERENCES);
      PAssert.that(input.getKey() + " has one row", out).satisfies(actual -> {
        Reference.assertSameRows(expected, actual, 0);
        return null;
      });
    }
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void shortcutsGiveOneColumnPerColumnNamedLikeRay(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> table = p.apply(Create.of(TABLE).withRowSchema(Reference.TABLE));
    PCollection<Row> sums = table.apply("Sums", Aggregate.sum("i", "l", "dec"));
    PCollection<Row> count = table.apply("Count", Aggregate.count());
    PCollection<Row> spread = table.apply("Spread", Aggregate.std("i"));
    assertEquals(List.of("sum(i)", "sum(l)", "sum(dec)"), sums.getSchema().getFieldNames());
    assertEquals(FieldType.INT64.withNullable(true), sums.getSchema().getField("sum(l)").getType());
    PAssert.thatSingleton(sums).isEqualTo(Row.withSchema(sums.getSchema()).addValues(
        Reference.sumOfIntegers(TABLE, "i"), Reference.sumOfIntegers(TABLE, "l"), Reference.sumOfDecimals(TABLE, "dec"))
        .build());
    PAssert.thatSingleton(count).isEqualTo(Row.withSchema(count.getSchema()).addValue((long) TABLE.size()).build());
    List<Row> expectedSpread =
        List.of(Row.withSchema(spread.getSchema()).addValue(Reference.std(TABLE, "i", 1)).build());
    PAssert.that(spread).satisfies(actual -> {
      Reference.assertSameRows(expectedSpread, actual, 0);
      return null;
    });
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void invalidArgumentsAreRejectedNamingTheProblem() {
    GroupByTest.assertMessage("Aggregate.globally: give at least one aggregate", () -> Aggregate.globally());
    GroupByTest.assertMessage("two output columns are named 'count()'",
        () -> Aggregate.globally(Agg.count(), Agg.sum("x").as("count()")));
    GroupByTest.assertMessage("give at least one column", () -> Aggregate.mean());
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> table = p.apply(Create.of(TABLE).withRowSchema(Reference.TABLE));
    GroupByTest.assertMessage("Aggregate.globally(mean(s)): mean(s) needs a numeric column, but 's' is STRING",
        () -> table.apply(Aggregate.mean("s")));
    GroupByTest.assertMessage("Aggregate.globally(max(z)): unknown column 'z'", () -> table.apply(Aggregate.max("z")));
  }
}
