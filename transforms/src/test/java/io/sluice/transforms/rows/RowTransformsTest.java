package io.sluice.transforms.rows;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static io.sluice.transforms.rows.Expr.col;
import static io.sluice.transforms.rows.Expr.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.Compute;
import io.sluice.transforms.testing.TestRunners;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Map, FlatMap, Filter, the column transforms and Limit, with the same results on every runner. */
class RowTransformsTest {
  private static final Schema ORDERS = Schema.builder()
      .addInt64Field("id")
      .addNullableField("price", FieldType.DOUBLE)
      .addNullableField("qty", FieldType.INT32)
      .addNullableField("name", FieldType.STRING)
      .addLogicalTypeField("at", SqlTypes.DATETIME)
      .build();

  /** Orders with nulls in every nullable column; most share the name "a" (a skewed column). */
  private static List<Row> orders(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Row.withSchema(ORDERS).addValues((long) i,
          i % 7 == 0 ? null : i * 1.5,
          i % 5 == 0 ? null : i % 4,
          i % 11 == 0 ? null : (i % 10 == 0 ? "b" : "a"),
          LocalDateTime.of(2026, 1, 1, 0, 0).plusMinutes(i)).build());
    }
    return rows;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void mapFlatMapAndFilterOnElements(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Integer> input = range(100);
    PCollection<Integer> numbers = p.apply("Numbers", Create.of(input));
    PCollection<Integer> doubled = numbers.apply("Double",
        Map.via((Integer x) -> 2 * x, TypeDescriptors.integers()).withCompute(Compute.DEFAULT.withConcurrency(2)));
    PCollection<Integer> twice = numbers.apply("Twice",
        FlatMap.via((Integer x) -> List.of(x, x), TypeDescriptors.integers()));
    PCollection<Integer> thirds = numbers.apply("Thirds", Filter.by((Integer x) -> x % 3 == 0));
    PCollection<Integer> fromEmpty = p.apply("Empty", Create.empty(VarIntCoder.of()))
        .apply("DoubleEmpty", Map.via((Integer x) -> 2 * x, TypeDescriptors.integers()));
    PCollection<Integer> fromOne = p.apply("One", Create.of(21))
        .apply("FlatMapOne", FlatMap.via((Integer x) -> List.of(x, x + 1), TypeDescriptors.integers()));

    PAssert.that(doubled).containsInAnyOrder(input.stream().map(x -> 2 * x).toList());
    List<Integer> expectedTwice = new ArrayList<>(input);
    expectedTwice.addAll(input);
    PAssert.that(twice).containsInAnyOrder(expectedTwice);
    PAssert.that(thirds).containsInAnyOrder(input.stream().filter(x -> x % 3 == 0).toList());
    PAssert.that(fromEmpty).empty();
    PAssert.that(fromOne).containsInAnyOrder(21, 22);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void columnExpressionsFollowSqlNullRules(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> input = orders(60);
    PCollection<Row> rows = p.apply(Create.of(input).withRowSchema(ORDERS));

    PCollection<Row> withTotal = rows.apply("Total", WithColumn.of("total", col("price").times(col("qty"))));
    PCollection<Row> kept = rows.apply("Keep",
        Filter.where(col("qty").ge(2).and(col("name").ne("b")).or(col("price").isNull())));
    PCollection<Row> replaced = rows.apply("QtyPlusOne", WithColumn.of("qty", col("qty").plus(lit(1))));

    Schema totalSchema = Schema.builder().addFields(ORDERS.getFields())
        .addNullableField("total", FieldType.DOUBLE).build();
    List<Row> expectedTotals = new ArrayList<>();
    List<Row> expectedKept = new ArrayList<>();
    for (Row row : input) {
      Double price = row.getDouble("price");
      Integer qty = row.getInt32("qty");
      String name = row.getString("name");
      Double total = price == null || qty == null ? null : price * qty;
      expectedTotals.add(Row.withSchema(totalSchema).addValues(row.getValues()).addValue(total).build());
      // SQL three-valued logic, spelled out: null operands make "qty >= 2 and name != b" unknown
      // unless one side is false; the row is kept only when the whole condition is true.
      Boolean qtyOk = qty == null ? null : qty >= 2;
      Boolean nameOk = name == null ? null : !name.equals("b");
      Boolean both = Boolean.FALSE.equals(qtyOk) || Boolean.FALSE.equals(nameOk) ? Boolean.FALSE
          : qtyOk == null || nameOk == null ? null : Boolean.TRUE;
      if (Boolean.TRUE.equals(both) || price == null) {
        expectedKept.add(row);
      }
    }
    assertTrue(expectedKept.size() > 5 && expectedKept.size() < input.size() - 5, "the filter must both keep and drop");
    PAssert.that(withTotal).containsInAnyOrder(expectedTotals);
    PAssert.that(kept).containsInAnyOrder(expectedKept);
    PAssert.that(replaced).satisfies(out -> {
      Set<String> seen = new HashSet<>();
      for (Row row : out) {
        Row original = input.get((int) (long) row.getInt64("id"));
        Integer qty = original.getInt32("qty");
        Long expected = qty == null ? null : qty + 1L;
        assertEquals(expected, row.getValue("qty"));
        assertEquals(List.of("id", "price", "qty", "name", "at"), row.getSchema().getFieldNames());
        seen.add(String.valueOf(row.getInt64("id")));
      }
      assertEquals(input.size(), seen.size());
      return null;
    });
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void selectDropRenameAndAddColumns(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> input = orders(25);
    PCollection<Row> rows = p.apply(Create.of(input).withRowSchema(ORDERS));

    PCollection<Row> selected = rows.apply("Select", SelectColumns.of("name", "at", "id"));
    PCollection<Row> dropped = rows.apply("Drop", DropColumns.of("price", "qty"));
    PCollection<Row> renamed = rows.apply("Rename", RenameColumns.of("id", "key").and("name", "label"));
    PCollection<Row> added = rows.apply("Add", AddColumn.of("name_length", FieldType.INT32.withNullable(true),
        row -> row.getString("name") == null ? null : row.getString("name").length()));
    PCollection<Row> none = p.apply("None", Create.empty(ORDERS)).apply("SelectNone", SelectColumns.of("id"));

    Schema selectedSchema = Schema.builder().addNullableField("name", FieldType.STRING)
        .addLogicalTypeField("at", SqlTypes.DATETIME).addInt64Field("id").build();
    Schema droppedSchema = Schema.builder().addInt64Field("id").addNullableField("name", FieldType.STRING)
        .addLogicalTypeField("at", SqlTypes.DATETIME).build();
    Schema renamedSchema = Schema.builder().addInt64Field("key").addNullableField("price", FieldType.DOUBLE)
        .addNullableField("qty", FieldType.INT32).addNullableField("label", FieldType.STRING)
        .addLogicalTypeField("at", SqlTypes.DATETIME).build();
    Schema addedSchema = Schema.builder().addFields(ORDERS.getFields())
        .addNullableField("name_length", FieldType.INT32).build();
    PAssert.that(selected).containsInAnyOrder(input.stream().map(r -> Row.withSchema(selectedSchema)
        .addValues(r.getString("name"), r.getLogicalTypeValue("at", LocalDateTime.class), r.getInt64("id")).build())
        .toList());
    PAssert.that(dropped).containsInAnyOrder(input.stream().map(r -> Row.withSchema(droppedSchema)
        .addValues(r.getInt64("id"), r.getString("name"), r.getLogicalTypeValue("at", LocalDateTime.class)).build())
        .toList());
    PAssert.that(renamed).containsInAnyOrder(input.stream()
        .map(r -> Row.withSchema(renamedSchema).addValues(r.getValues()).build()).toList());
    PAssert.that(added).containsInAnyOrder(input.stream().map(r -> Row.withSchema(addedSchema).addValues(r.getValues())
        .addValue(r.getString("name") == null ? null : r.getString("name").length()).build()).toList());
    PAssert.that(none).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void limitKeepsExactlyNOfTheInputOrAllOfASmallerOne(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Integer> input = range(1000);
    PCollection<Integer> numbers = p.apply("Numbers", Create.of(input));
    PCollection<Integer> ten = numbers.apply("Ten", Limit.of(10));
    PCollection<Integer> all = numbers.apply("MoreThanThere", Limit.of(5000));
    PCollection<Integer> zero = numbers.apply("Zero", Limit.of(0));
    PCollection<Integer> ofEmpty = p.apply("Empty", Create.empty(VarIntCoder.of())).apply("OfEmpty", Limit.of(3));

    PAssert.that(ten.apply("CountTen", Count.globally())).containsInAnyOrder(10L);
    PAssert.that(ten).satisfies(out -> {
      List<Integer> values = new ArrayList<>();
      out.forEach(values::add);
      assertEquals(values.size(), new HashSet<>(values).size(), "no element twice");
      assertTrue(input.containsAll(values), "only input elements");
      return null;
    });
    PAssert.that(all).containsInAnyOrder(input);
    PAssert.that(zero).empty();
    PAssert.that(ofEmpty).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void invalidArgumentsFailNamingTheArgument() {
    assertMessage("Limit n must be >= 0, was -1", () -> Limit.of(-1));
    assertMessage("concurrency must be >= 1, was 0", () -> Compute.DEFAULT.withConcurrency(0));
    assertMessage("gpus must be a share below 1", () -> Compute.DEFAULT.withGpus(1.5));
    assertMessage("SelectColumns.of: column 'a' is given twice", () -> SelectColumns.of("a", "a"));
    assertMessage("outputType must not be null", () -> Map.via((Integer x) -> x, null));

    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> rows = p.apply(Create.of(orders(3)).withRowSchema(ORDERS));
    assertMessage("SelectColumns: unknown column 'nope'; the input has columns [id, price, qty, name, at]",
        () -> rows.apply("Pick", SelectColumns.of("id", "nope")));
    assertMessage("unknown column 'missing'", () -> rows.apply("DropIt", DropColumns.of("missing")));
    assertMessage("unknown column 'x'", () -> rows.apply("Where", Filter.where(col("x").gt(1))));
    assertMessage("compares STRING with INT64", () -> rows.apply("Mixed", Filter.where(col("name").gt(1))));
    assertMessage("is DOUBLE, not true/false", () -> rows.apply("NotBool", Filter.where(col("price").plus(1))));
    assertMessage("needs numbers", () -> rows.apply("Concat", WithColumn.of("n", col("name").plus(1))));
    assertMessage("column 'qty' already exists; use WithColumn", () -> rows.apply("Again", AddColumn.of("qty", lit(1))));
    assertMessage("two columns named 'qty'", () -> rows.apply("Clash", RenameColumns.of("price", "qty")));
  }

}
