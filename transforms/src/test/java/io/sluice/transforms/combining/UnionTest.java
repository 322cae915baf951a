package io.sluice.transforms.combining;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.BigEndianIntegerCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Union keeps every element of every input, on every runner, and refuses inputs that disagree. */
class UnionTest {
  private static final Schema ITEMS = Schema.builder().addInt32Field("id").addNullableStringField("tag").build();

  private static <T> List<T> concat(List<List<T>> lists) {
    List<T> all = new ArrayList<>();
    lists.forEach(all::addAll);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void keepsEveryElementOfEveryInputDuplicatesIncluded(String runner) {
    List<Integer> first = List.of(1, 1, 2, 3);
    List<Integer> second = List.of(3, 4);
    List<Row> rowsA = List.of(Row.withSchema(ITEMS).addValues(1, "a").build(),
        Row.withSchema(ITEMS).addValues(2, null).build());
    List<Row> rowsB = List.of(Row.withSchema(ITEMS).addValues(1, "a").build());

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Integer> a = p.apply("A", Create.of(first));
    PCollection<Integer> b = p.apply("B", Create.of(second));
    PCollection<Integer> empty = p.apply("Empty", Create.empty(VarIntCoder.of()));
    PCollection<Integer> single = p.apply("Single", Create.of(42));

    PAssert.that("WithTwoOthers", a.apply("WithTwoOthers", Union.with(b, empty)))
        .containsInAnyOrder(concat(List.of(first, second)));
    PAssert.that("OfThree", p.apply("OfThree", Union.of(empty, a, b)))
        .containsInAnyOrder(concat(List.of(first, second)));
    PAssert.that("WithItself", a.apply("WithItself", Union.with(a)))
        .containsInAnyOrder(concat(List.of(first, first)));
    PAssert.that("WithNothing", a.apply("WithNothing", Union.<Integer>with())).containsInAnyOrder(first);
    PAssert.that("EmptyWithEmpty", empty.apply("EmptyWithEmpty", Union.with(empty))).empty();
    PAssert.that("SingleWithEmpty", single.apply("SingleWithEmpty", Union.with(empty))).containsInAnyOrder(42);

    PCollection<Row> rowsIn = p.apply("RowsA", Create.of(rowsA).withRowSchema(ITEMS));
    PCollection<Row> moreRows = p.apply("RowsB", Create.of(rowsB).withRowSchema(ITEMS));
    PCollection<Row> allRows = rowsIn.apply("Rows", Union.with(moreRows));
    assertEquals(ITEMS, allRows.getSchema());
    PAssert.that("Rows", allRows).containsInAnyOrder(concat(List.of(rowsA, rowsB)));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void inputsThatDisagreeFailAtExpandNamingBoth() {
    Pipeline p = TestRunners.pipeline("direct");
    Schema reordered = Schema.builder().addNullableStringField("tag").addInt32Field("id").build();
    PCollection<Row> items = p.apply("Items", Create.empty(ITEMS));
    PCollection<Row> other = p.apply("Reordered", Create.empty(reordered));
    IllegalArgumentException schemas = assertThrows(IllegalArgumentException.class,
        () -> items.apply("Mixed", Union.with(other)));
    // Each input named by its PCollection, which starts with the step that made it.
    assertTrue(schemas.getMessage().matches("(?s).*input 'Reordered/[^']*' has \\[tag STRING, id INT32 NOT NULL\\]"
        + " but input 'Items/[^']*' has \\[id INT32 NOT NULL, tag STRING\\].*"), schemas.getMessage());

    PCollection<Integer> varInts = p.apply("VarInts", Create.of(1).withCoder(VarIntCoder.of()));
    PCollection<Integer> fixedInts = p.apply("FixedInts", Create.of(2).withCoder(BigEndianIntegerCoder.of()));
    IllegalArgumentException coders = assertThrows(IllegalArgumentException.class,
        () -> varInts.apply("MixedCoders", Union.with(fixedInts)));
    assertTrue(coders.getMessage().matches("(?s).*input 'FixedInts/[^']*' has coder BigEndianIntegerCoder.*"
        + " but input 'VarInts/[^']*' has VarIntCoder.*"), coders.getMessage());

    assertMessage("Union.of needs at least one input", () -> Union.<Integer>of());
    assertMessage("must not be null", () -> Union.with((PCollection<Integer>) null));
  }

}
