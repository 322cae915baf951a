package io.sluice.transforms.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.SetCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** GroupBy's aggregate and mapGroups on every runner, checked against plain-Java computations. */
class GroupByTest {
  private static final List<Row> TABLE = Reference.table(7);

  private static PCollection<Row> table(Pipeline p, String name, List<Row> rows) {
    return p.apply(name, Create.of(rows).withRowSchema(Reference.TABLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void everyAggregateMatchesPlainJavaWithNullsNullKeysAndASkewedKey(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> out = table(p, "Table", TABLE).apply(GroupBy.keys("k").aggregate(
        Agg.count(), Agg.count("i"), Agg.sum("i"), Agg.sum("l"), Agg.sum("d"), Agg.sum("dec"),
        Agg.min("i"), Agg.max("i"), Agg.min("d"), Agg.max("d"), Agg.min("s"), Agg.max("s"),
        Agg.min("t"), Agg.max("t"), Agg.min("day"), Agg.max("day"), Agg.min("dec"),
        Agg.mean("i"), Agg.mean("d"), Agg.std("d"), Agg.std("i"), Agg.std("d", 0).as("pstd(d)")));

    assertEquals(List.of("k", "count()", "count(i)", "sum(i)", "sum(l)", "sum(d)", "sum(dec)", "min(i)", "max(i)",
        "min(d)", "max(d)", "min(s)", "max(s)", "min(t)", "max(t)", "min(day)", "max(day)", "min(dec)", "mean(i)",
        "mean(d)", "std(d)", "std(i)", "pstd(d)"), out.getSchema().getFieldNames());
    Schema schema = out.getSchema();
    assertEquals(FieldType.INT64, schema.getField("count()").getType());
    assertEquals(FieldType.INT64.withNullable(true), schema.getField("sum(i)").getType());
    assertEquals(FieldType.DOUBLE.withNullable(true), schema.getField("sum(d)").getType());
    assertEquals(FieldType.DECIMAL.withNullable(true), schema.getField("sum(dec)").getType());
    assertEquals(FieldType.INT32.withNullable(true), schema.getField("min(i)").getType());
    assertEquals(FieldType.DATETIME.withNullable(true), schema.getField("max(t)").getType());
    assertEquals(Reference.TABLE.getField("day").getType(), schema.getField("min(day)").getType());
    assertEquals(FieldType.DOUBLE.withNullable(true), schema.getField("mean(i)").getType());

    List<Function<List<Row>, Object>> columns = List.of(
        rows -> (long) rows.size(), rows -> (long) Reference.nonNull(rows, "i").size(),
        rows -> Reference.sumOfIntegers(rows, "i"), rows -> Reference.sumOfIntegers(rows, "l"),
        rows -> Reference.sumOfDoubles(rows, "d"), rows -> Reference.sumOfDecimals(rows, "dec"),
        rows -> Reference.min(rows, "i"), rows -> Reference.max(rows, "i"),
        rows -> Reference.min(rows, "d"), rows -> Reference.max(rows, "d"),
        rows -> Reference.min(rows, "s"), rows -> Reference.max(rows, "s"),
        rows -> Reference.min(rows, "t"), rows -> Reference.max(rows, "t"),
        rows -> Reference.min(rows, "day"), rows -> Reference.max(rows, "day"),
        rows -> Reference.min(rows, "dec"),
        rows -> Reference.mean(rows, "i"), rows -> Reference.mean(rows, "d"),
        rows -> Reference.std(rows, "d", 1), rows -> Reference.std(rows, "i", 1), rows -> Reference.std(rows, "d", 0));
    List<Row> expected = Reference.expected(schema, Reference.groups(TABLE, "k"), columns);
    PAssert.that(out).satisfies(actual -> {
      Reference.assertSameRows(expected, actual, 1);
      return null;
    });
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void multiColumnKeysSingleRowsAndEmptyInput(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> byTwo = table(p, "Table", TABLE)
        .apply("ByTwo", GroupBy.keys("k2", "k").aggregate(Agg.count(), Agg.max("s"), Agg.mean("d").as("avg")));
    List<Row> single = TABLE.subList(0, 1);
    PCollection<Row> ofSingle = table(p, "Single", single)
        .apply("OfSingle", GroupBy.keys("k").aggregate(Agg.count(), Agg.sum("i"), Agg.std("d")));
    PCollection<Row> ofEmpty = table(p, "Empty", List.of())
        .apply("OfEmpty", GroupBy.keys("k").aggregate(Agg.count(), Agg.sum("i")));
    PCollection<Row> shortcut = table(p, "ForShortcut", TABLE).apply("Shortcut", GroupBy.keys("k").sum("i", "d"));

    assertEquals(List.of("k2", "k", "count()", "max(s)", "avg"), byTwo.getSchema().getFieldNames());
    assertEquals(List.of("k", "sum(i)", "sum(d)"), shortcut.getSchema().getFieldNames());
    List<Row> expectedByTwo = Reference.expected(byTwo.getSchema(), Reference.groups(TABLE, "k2", "k"), List.of(
        rows -> (long) rows.size(), rows -> Reference.max(rows, "s"), rows -> Reference.mean(rows, "d")));
    List<Row> expectedSingle = Reference.expected(ofSingle.getSchema(), Reference.groups(single, "k"), List.of(
        rows -> (long) rows.size(), rows -> Reference.sumOfIntegers(rows, "i"), rows -> Reference.std(rows, "d", 1)));
    List<Row> expectedShortcut = Reference.expected(shortcut.getSchema(), Reference.groups(TABLE, "k"), List.of(
        rows -> Reference.sumOfIntegers(rows, "i"), rows -> Reference.sumOfDoubles(rows, "d")));
    PAssert.that(byTwo).satisfies(actual -> {
      Reference.assertSameRows(expectedByTwo, actual, 2);
      return null;
    });
    PAssert.that(ofSingle).satisfies(actual -> {
      Reference.assertSameRows(expectedSingle, actual, 1);
      return null;
    });
    PAssert.that(shortcut).satisfies(actual -> {
      Reference.assertSameRows(expectedShortcut, actual, 1);
      return null;
    });
    PAssert.that(ofEmpty).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void customAggregatesAndCombineFnsOverAColumn(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> out = table(p, "Table", TABLE).apply(GroupBy.keys("k").aggregate(
        Agg.of(new DistinctStrings("s"), "distinct(s)"),
        Agg.of(Max.ofIntegers(), "i", FieldType.INT32, "top"),
        Agg.of(Top.<Integer>largestFn(2), "i", FieldType.array(FieldType.INT32), "top2"),
        Agg.count()));

    assertEquals(List.of("k", "distinct(s)", "top", "top2", "count()"), out.getSchema().getFieldNames());
    List<Row> expected = Reference.expected(out.getSchema(), Reference.groups(TABLE, "k"), List.of(
        rows -> (long) rows.stream().map(row -> row.getString("s")).distinct().count(),
        rows -> Reference.max(rows, "i"),
        rows -> {
          List<Integer> values = new ArrayList<>(Reference.<Integer>nonNull(rows, "i"));
          values.sort(Collections.reverseOrder());
          return values.isEmpty() ? null : values.subList(0, Math.min(2, values.size()));
        },
        rows -> (long) rows.size()));
    PAssert.that(out).satisfies(actual -> {
      Reference.assertSameRows(expected, actual, 1);
      return null;
    });
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void mapGroupsGetsEachKeyWithAllRowsOfItsGroup(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    Schema summary = Schema.builder()
        .addNullableField("k", FieldType.STRING)
        .addNullableField("k2", FieldType.INT32)
        .addInt64Field("rows")
        .addArrayField("sorted_i", FieldType.INT32)
        .build();
    PCollection<Row> out = table(p, "Table", TABLE)
        .apply("Summaries", GroupBy.keys("k", "k2").mapGroups(new Summarize(summary), summary));
    PCollection<Row> ofEmpty = table(p, "Empty", List.of())
        .apply("OfEmpty", GroupBy.keys("k").mapGroups(new Summarize(summary), summary));

    List<Row> expected = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Row>> group : Reference.groups(TABLE, "k", "k2").entrySet()) {
      List<Integer> sorted = new ArrayList<>(Reference.<Integer>nonNull(group.getValue(), "i"));
      Collections.sort(sorted);
      expected.add(Row.withSchema(summary).addValues(group.getKey().get(0), group.getKey().get(1),
          (long) group.getValue().size(), sorted).build());
    }
    PAssert.that(out).containsInAnyOrder(expected);
    PAssert.that(ofEmpty).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aMapGroupsFnReturningRowsOfAnotherSchemaFailsTheRun(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    Schema declared = Schema.builder().addStringField("x").build();
    table(p, "Table", TABLE).apply("WrongRows", GroupBy.keys("k").mapGroups((key, rows) -> List.of(key), declared));
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    String messages = TestRunners.causeMessages(e);
    assertTrue(messages.contains("GroupBy.keys(k).mapGroups: mapGroups' fn returned a row of schema"), messages);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void acceptsAnyPCollectionWithASchema(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Purchase> purchases = new ArrayList<>();
    Random random = new Random(3);
    for (int n = 0; n < 30; n++) {
      purchases.add(new Purchase(n < 25 ? "big" : "small" + (n % 2), random.nextInt(1000)));
    }
    PCollection<Row> out = p.apply(Create.of(purchases))
        .apply(GroupBy.keys("customer").aggregate(Agg.count(), Agg.sum("cents")));

    List<Row> expected = new ArrayList<>();
    for (String customer : new HashSet<>(purchases.stream().map(x -> x.customer).toList())) {
      List<Purchase> theirs = purchases.stream().filter(x -> x.customer.equals(customer)).toList();
      expected.add(Row.withSchema(out.getSchema()).addValues(customer, (long) theirs.size(),
          theirs.stream().mapToLong(x -> x.cents).sum()).build());
    }
    PAssert.that(out).containsInAnyOrder(expected);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void invalidArgumentsAreRejectedNamingTheProblem() {
    assertMessage("GroupBy.keys: give at least one key column", () -> GroupBy.keys());
    assertMessage("key column 'k' is given twice", () -> GroupBy.keys("k", "k"));
    assertMessage("GroupBy.aggregate: give at least one aggregate", () -> GroupBy.keys("k").aggregate());
    assertMessage("two output columns are named 'sum(i)'; rename one with .as(\"alias\")",
        () -> GroupBy.keys("k").aggregate(Agg.sum("i"), Agg.sum("i")));
    assertMessage("two output columns are named 'k'", () -> GroupBy.keys("k").aggregate(Agg.count().as("k")));
    assertMessage("Agg.std: ddof must be >= 0", () -> Agg.std("d", -1));
    assertMessage("Agg.sum: column must be a column name, was null", () -> Agg.sum(null));
    assertMessage("Agg.as: the output column name must not be empty", () -> Agg.count().as(""));
    assertMessage("GroupBy.mapGroups: outputSchema must not be null",
        () -> GroupBy.keys("k").mapGroups((key, rows) -> rows, null));

    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> table = table(p, "Table", TABLE);
    assertMessage("GroupBy.keys(nope).aggregate(count()): unknown column 'nope'; the input has columns "
        + Reference.TABLE.getFieldNames(),
        () -> table.apply("UnknownKey", GroupBy.keys("nope").count()));
    assertMessage("GroupBy.keys(k).aggregate(count(), max(x)): unknown column 'x'",
        () -> table.apply("UnknownColumn", GroupBy.keys("k").aggregate(Agg.count(), Agg.max("x"))));
    assertMessage("GroupBy.keys(k).aggregate(sum(s)): sum(s) needs a numeric column, but 's' is STRING",
        () -> table.apply("SumOfStrings", GroupBy.keys("k").sum("s")));
    assertMessage("GroupBy.keys(k).aggregate(std(t)): std(t) needs a numeric column",
        () -> table.apply("StdOfTimes", GroupBy.keys("k").std("t")));
    assertMessage("GroupBy.keys(k).aggregate(min(bytes)): min(bytes) needs a column of comparable values",
        () -> table.apply("MinOfBytes", GroupBy.keys("k").min("bytes")));
    assertMessage("GroupBy.keys(d).aggregate(count()): cannot group by column 'd' of type DOUBLE",
        () -> table.apply("ByDouble", GroupBy.keys("d").count()));
    assertMessage("GroupBy.keys(d).mapGroups: cannot group by column 'd'",
        () -> table.apply("MapByDouble", GroupBy.keys("d").mapGroups((key, rows) -> rows, Reference.TABLE)));
    PCollection<Integer> schemaless = p.apply("Ints", Create.of(1, 2, 3));
    assertMessage("GroupBy.keys(k).aggregate(count()): the input has no schema",
        () -> schemaless.apply("NoSchema", GroupBy.keys("k").count()));
  }

  static void assertMessage(String expected, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  /** A custom aggregate: how many distinct values (null counts as one) a string column holds. */
  static final class DistinctStrings implements AggregateFn<Set<String>, Long> {
    private final String column;

    DistinctStrings(String column) {
      this.column = column;
    }

    @Override
    public Set<String> init() {
      return new HashSet<>();
    }

    @Override
    public Set<String> accumulate(Set<String> seen, Row row) {
      seen.add(row.getString(column));
      return seen;
    }

    @Override
    public Set<String> merge(Set<String> seen, Set<String> other) {
      seen.addAll(other);
      return seen;
    }

    @Override
    public Long finish(Set<String> seen) {
      return (long) seen.size();
    }

    @Override
    public FieldType outputType() {
      return FieldType.INT64;
    }

    @Override
    public Coder<Set<String>> accumulatorCoder() {
      return SetCoder.of(NullableCoder.of(StringUtf8Coder.of()));
    }
  }

  /** One row per group: its key, its row count and its sorted non-null i; checks each row's key. */
  static final class Summarize implements MapGroups.GroupFn {
    private final Schema summary;

    Summarize(Schema summary) {
      this.summary = summary;
    }

    @Override
    public Iterable<Row> apply(Row key, Iterable<Row> rows) {
      long count = 0;
      List<Integer> sorted = new ArrayList<>();
      for (Row row : rows) {
        count++;
        for (String column : key.getSchema().getFieldNames()) {
          if (!Objects.equals(row.getValue(column), key.getValue(column))) {
            throw new IllegalStateException("row " + row + " is not of group " + key);
          }
        }
        if (row.getInt32("i") != null) {
          sorted.add(row.getInt32("i"));
        }
      }
      Collections.sort(sorted);
      Object k2 = key.getSchema().hasField("k2") ? key.getValue("k2") : null;
      return List.of(Row.withSchema(summary).addValues(key.getString("k"), k2, count, sorted).build());
    }
  }

  /** A schema'd Java type, not a Row. */
  @DefaultSchema(JavaFieldSchema.class)
  public static final class Purchase implements Serializable {
    public String customer;
    public int cents;

    public Purchase() {}

    @Override
    public boolean equals(Object other) {
      return other instanceof Purchase that && Objects.equals(customer, that.customer) && cents == that.cents;
    }

    @Override
    public int hashCode() {
      return Objects.hash(customer, cents);
    }

    Purchase(String customer, int cents) {
      this.customer = customer;
      this.cents = cents;
    }
  }
}
