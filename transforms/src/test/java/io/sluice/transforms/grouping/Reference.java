package io.sluice.transforms.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/**
 * Test data and plain-Java reference aggregates: what each aggregate should give, computed from the
 * input list without Beam, and a row comparison that allows floating-point rounding.
 */
final class Reference {
  static final Schema TABLE = Schema.builder()
      .addNullableField("k", FieldType.STRING)
      .addNullableField("k2", FieldType.INT32)
      .addNullableField("i", FieldType.INT32)
      .addNullableField("l", FieldType.INT64)
      .addNullableField("d", FieldType.DOUBLE)
      .addNullableField("dec", FieldType.DECIMAL)
      .addNullableField("s", FieldType.STRING)
      .addNullableField("t", FieldType.DATETIME)
      .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("bytes", FieldType.BYTES)
      .build();

  private Reference() {}

  /**
   * A table with a skewed key ("hot" holds most rows), a null key, a key with one row, a key whose
   * value columns are all null, and nulls scattered through every column.
   */
  static List<Row> table(long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    String[] keys = {"a", "a", "a", "b", "b", "single", null, null, "nulls", "nulls"};
    for (String key : keys) {
      rows.add(key != null && key.equals("nulls") ? allNull(key, random) : row(key, random));
    }
    for (int n = 0; n < 40; n++) {
      rows.add(row("hot", random));
    }
    return rows;
  }

  private static Row row(String key, Random random) {
    return Row.withSchema(TABLE).addValues(
        key,
        maybe(random, () -> random.nextInt(3)),
        maybe(random, () -> random.nextInt(101) - 50),
        maybe(random, () -> random.nextLong() >> 8),
        // Multiples of 1/4: sums are exact whatever the order of addition.
        maybe(random, () -> (random.nextInt(400) - 200) / 4.0),
        maybe(random, () -> BigDecimal.valueOf(random.nextInt(100000) - 50000, 2)),
        maybe(random, () -> "s" + random.nextInt(8)),
        maybe(random, () -> new Instant(1_600_000_000_000L + random.nextInt(1_000_000))),
        maybe(random, () -> LocalDate.of(2024, 1, 1).plusDays(random.nextInt(365))),
        maybe(random, () -> new byte[] {(byte) random.nextInt()})).build();
  }

  private static Row allNull(String key, Random random) {
    List<Object> values = new ArrayList<>(Collections.nCopies(TABLE.getFieldCount(), null));
    values.set(0, key);
    values.set(1, random.nextInt(3));
    return Row.withSchema(TABLE).addValues(values).build();
  }

  private static Object maybe(Random random, Supplier<Object> value) {
    return random.nextInt(5) == 0 ? null : value.get();
  }

  /** Rows grouped by the values of the key columns, in first-seen order. */
  static Map<List<Object>, List<Row>> groups(List<Row> rows, String... keys) {
    Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) {
      List<Object> key = new ArrayList<>();
      for (String k : keys) {
        key.add(row.getValue(k));
      }
      groups.computeIfAbsent(key, x -> new ArrayList<>()).add(row);
    }
    return groups;
  }

  static <T> List<T> nonNull(List<Row> rows, String column) {
    List<T> values = new ArrayList<>();
    for (Row row : rows) {
      T value = row.getValue(column);
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  static Long sumOfIntegers(List<Row> rows, String column) {
    List<Number> values = nonNull(rows, column);
    return values.isEmpty() ? null : values.stream().mapToLong(Number::longValue).sum();
  }

  static Double sumOfDoubles(List<Row> rows, String column) {
    List<Number> values = nonNull(rows, column);
    return values.isEmpty() ? null : values.stream().mapToDouble(Number::doubleValue).sum();
  }

  static BigDecimal sumOfDecimals(List<Row> rows, String column) {
    List<BigDecimal> values = nonNull(rows, column);
    return values.isEmpty() ? null : values.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  static Double mean(List<Row> rows, String column) {
    List<Number> values = nonNull(rows, column);
    return values.isEmpty() ? null : sumOfDoubles(rows, column) / values.size();
  }

  /** The two-pass formula: the mean first, then the squared deviations from it. */
  static Double std(List<Row> rows, String column, int ddof) {
    List<Number> values = nonNull(rows, column);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() <= ddof) {
      return Double.NaN;
    }
    double mean = values.stream().mapToDouble(Number::doubleValue).sum() / values.size();
    double squares = values.stream().mapToDouble(v -> (v.doubleValue() - mean) * (v.doubleValue() - mean)).sum();
    return Math.sqrt(squares / (values.size() - ddof));
  }

  static <T extends Comparable<? super T>> T min(List<Row> rows, String column) {
    List<T> values = nonNull(rows, column);
    return values.isEmpty() ? null : Collections.min(values);
  }

  static <T extends Comparable<? super T>> T max(List<Row> rows, String column) {
    List<T> values = nonNull(rows, column);
    return values.isEmpty() ? null : Collections.max(values);
  }

  /** Builds the expected output: per group, the key values then each column's reference value. */
  static List<Row> expected(Schema output, Map<List<Object>, List<Row>> groups,
      List<Function<List<Row>, Object>> columns) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Row>> group : groups.entrySet()) {
      List<Object> values = new ArrayList<>(group.getKey());
      for (Function<List<Row>, Object> column : columns) {
        values.add(column.apply(group.getValue()));
      }
      rows.add(Row.withSchema(output).addValues(values).build());
    }
    return rows;
  }

  /**
   * Asserts the actual rows are the expected ones in any order, matched by their first {@code
   * keyCount} values; doubles may differ by {@code 1e-9} relative (summation order differs).
   */
  static void assertSameRows(List<Row> expected, Iterable<Row> actual, int keyCount) {
    Map<List<Object>, Row> byKey = new HashMap<>();
    int count = 0;
    for (Row row : actual) {
      count++;
      Row previous = byKey.put(new ArrayList<>(row.getValues().subList(0, keyCount)), row);
      assertTrue(previous == null, "two output rows for key " + row.getValues().subList(0, keyCount));
    }
    assertEquals(expected.size(), count, "rows: expected " + expected + " but got " + actual);
    for (Row want : expected) {
      List<Object> key = want.getValues().subList(0, keyCount);
      Row got = byKey.get(key);
      assertTrue(got != null, "no output row for key " + key + " in " + actual);
      assertEquals(want.getSchema().getFieldNames(), got.getSchema().getFieldNames());
      for (int i = keyCount; i < want.getFieldCount(); i++) {
        Object w = want.getValue(i);
        Object g = got.getValue(i);
        String where = "key " + key + ", column " + want.getSchema().getField(i).getName() + ": expected " + w
            + " but got " + g;
        if (w instanceof Double wd && g instanceof Double gd) {
          assertTrue(close(wd, gd, 1e-9), where);
        } else {
          assertTrue(Objects.deepEquals(w, g), where);
        }
      }
    }
  }

  static boolean close(double expected, double actual, double relative) {
    if (Double.compare(expected, actual) == 0) {
      return true;
    }
    return Math.abs(expected - actual) <= relative * Math.max(Math.abs(expected), Math.abs(actual));
  }
}
