package io.sluice.transforms.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Unique: each value of a column once, null being one of them. */
class UniqueTest {
  private static final List<Row> TABLE = Reference.table(5);

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void eachValueOnceWithNullAsOneValue(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> table = p.apply("Table", Create.of(TABLE).withRowSchema(Reference.TABLE));
    // "k" is skewed (mostly "hot") and has nulls; "day" is a logical type; "i" has many values.
    for (String column : List.of("k", "day", "i")) {
      PCollection<Row> out = table.apply("Unique" + column, Unique.of(column));
      assertEquals(List.of(column), out.getSchema().getFieldNames());
      assertEquals(Reference.TABLE.getField(column).getType(), out.getSchema().getField(column).getType());
      Set<Object> distinct = new LinkedHashSet<>();
      TABLE.forEach(row -> distinct.add(row.getValue(column)));
      List<Row> expected = new ArrayList<>();
      distinct.forEach(value -> expected.add(Row.withSchema(out.getSchema()).addValue(value).build()));
      PAssert.that(column, out).containsInAnyOrder(expected);
    }
    PCollection<Row> ofEmpty = p.apply("Empty", Create.empty(Reference.TABLE)).apply("UniqueOfEmpty", Unique.of("s"));
    PAssert.that("empty", ofEmpty).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void invalidColumnsAreRejected() {
    GroupByTest.assertMessage("Unique.of: a column name must not be null or empty", () -> Unique.of(""));
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> table = p.apply(Create.of(TABLE).withRowSchema(Reference.TABLE));
    GroupByTest.assertMessage("Unique.of(x): unknown column 'x'; the input has columns [k,",
        () -> table.apply(Unique.of("x")));
    GroupByTest.assertMessage("Unique.of(d): cannot group by column 'd' of type DOUBLE",
        () -> table.apply(Unique.of("d")));
  }
}
