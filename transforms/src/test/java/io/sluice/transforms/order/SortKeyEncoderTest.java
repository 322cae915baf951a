package io.sluice.transforms.order;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The key bytes order exactly as Java compares the values, per type, ascending and descending. */
class SortKeyEncoderTest {
  private final Random random = new Random(17);

  @Test
  void integersOrderBySignedValue() {
    assertOrders(FieldType.BYTE, values(Byte.MIN_VALUE, (byte) -1, (byte) 0, (byte) 1, Byte.MAX_VALUE),
        Comparator.<Byte>naturalOrder());
    assertOrders(FieldType.INT16, values(Short.MIN_VALUE, (short) -300, (short) 0, (short) 255, Short.MAX_VALUE),
        Comparator.<Short>naturalOrder());
    List<Object> ints = values(Integer.MIN_VALUE, -1, 0, 1, 256, Integer.MAX_VALUE);
    List<Object> longs = values(Long.MIN_VALUE, -1L, 0L, 1L, 1L << 40, Long.MAX_VALUE);
    for (int i = 0; i < 30; i++) {
      ints.add(random.nextInt());
      longs.add(random.nextLong());
    }
    assertOrders(FieldType.INT32, ints, Comparator.<Integer>naturalOrder());
    assertOrders(FieldType.INT64, longs, Comparator.<Long>naturalOrder());
  }

  @Test
  void floatingPointOrdersAsDoubleCompare() {
    List<Object> doubles = values(Double.NEGATIVE_INFINITY, -1e300, -1.5, -Double.MIN_VALUE, -0.0, 0.0,
        Double.MIN_VALUE, 2.5, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN);
    List<Object> floats = values(Float.NEGATIVE_INFINITY, -3.5f, -0.0f, 0.0f, Float.MIN_VALUE, 7f, Float.NaN);
    for (int i = 0; i < 30; i++) {
      doubles.add(random.nextGaussian() * 1e6);
      floats.add((float) random.nextGaussian());
    }
    assertOrders(FieldType.DOUBLE, doubles, Comparator.<Double>naturalOrder());
    assertOrders(FieldType.FLOAT, floats, Comparator.<Float>naturalOrder());
  }

  @Test
  void decimalsOrderByValueWhateverTheirScale() {
    List<Object> decimals = new ArrayList<>();
    for (String text : List.of("0", "0.00", "1", "1.0", "1.00", "10", "100", "9.99", "0.001", "-0.001", "-1",
        "-10", "-9.99", "12.5", "12.50", "123", "1E+10", "-1E-10", "99999999999999999999.5")) {
      decimals.add(new BigDecimal(text));
    }
    for (int i = 0; i < 30; i++) {
      decimals.add(BigDecimal.valueOf(random.nextLong() % 100_000, random.nextInt(9) - 4));
    }
    assertOrders(FieldType.DECIMAL, decimals, Comparator.<BigDecimal>naturalOrder());
  }

  @Test
  void stringsOrderByCodePointAndBytesUnsigned() {
    List<Object> strings = values("", "a", "a\0", "a\0\0", "a\0b", "a\1", "ab", "b", "é", "\uE000", "\uFFFF",
        "\uD83D\uDE00", "\uD83D\uDE00a");
    assertOrders(FieldType.STRING, strings, Comparator.comparing(
        (String s) -> s.codePoints().toArray(), Arrays::compare));
    List<Object> bytes = new ArrayList<>(List.of(new byte[0], new byte[] {0}, new byte[] {0, 0}, new byte[] {0, -1},
        new byte[] {-1}, new byte[] {1, 0}, new byte[] {127}, new byte[] {-128}));
    for (int i = 0; i < 20; i++) {
      byte[] value = new byte[random.nextInt(4)];
      random.nextBytes(value);
      bytes.add(value);
    }
    assertOrders(FieldType.BYTES, bytes, Comparator.comparing((byte[] b) -> b, Arrays::compareUnsigned));
  }

  @Test
  void booleansDatetimesAndLogicalTypesOrderByValue() {
    assertOrders(FieldType.BOOLEAN, values(true, false), Comparator.<Boolean>naturalOrder());
    assertOrders(FieldType.DATETIME, values(new Instant(-86_400_000L), new Instant(0), new Instant(1),
        new Instant(1_700_000_000_000L)), Comparator.<Instant>naturalOrder());
    assertOrders(FieldType.logicalType(SqlTypes.DATE), values(LocalDate.of(1969, 12, 31), LocalDate.of(1970, 1, 1),
        LocalDate.of(2024, 2, 29), LocalDate.of(-5, 1, 1)), Comparator.<LocalDate>naturalOrder());
    // A logical type over a row (seconds, micros): orders field by field.
    assertOrders(FieldType.logicalType(SqlTypes.TIMESTAMP), values(java.time.Instant.ofEpochSecond(-1, 999_999_000),
        java.time.Instant.ofEpochSecond(0), java.time.Instant.ofEpochSecond(0, 1000),
        java.time.Instant.ofEpochSecond(1_700_000_000L, 5000)), Comparator.<java.time.Instant>naturalOrder());
  }

  @Test
  void columnsOrderAsATupleEvenWhenOneValueIsAPrefixOfAnother() {
    Schema schema = Schema.builder()
        .addNullableField("s", FieldType.STRING)
        .addNullableField("n", FieldType.INT32)
        .build();
    List<Row> rows = new ArrayList<>();
    for (String s : Arrays.asList(null, "", "a", "a\0", "ab", "b")) {
      for (Integer n : Arrays.asList(null, -1, 0, 7)) {
        rows.add(Row.withSchema(schema).addValues(s, n).build());
      }
    }
    SortKeyEncoder encoder = SortKeyEncoder.of("test", schema, List.of("s", "n"), List.of(false, true));
    Comparator<Row> expected =
        ExpectedOrder.<String>ascending("s").thenComparing(ExpectedOrder.<Integer>descending("n"));
    for (Row a : rows) {
      for (Row b : rows) {
        assertEquals(Integer.signum(expected.compare(a, b)),
            Integer.signum(Arrays.compareUnsigned(encoder.encode(a), encoder.encode(b))), a + " vs " + b);
      }
    }
  }

  private static List<Object> values(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }

  /** Every pair, plus null, orders by its key bytes as by {@code order}: nulls first ascending, last descending. */
  @SuppressWarnings("unchecked")
  private static <V> void assertOrders(FieldType type, List<Object> values, Comparator<V> order) {
    Schema schema = Schema.builder().addNullableField("v", type).build();
    List<Object> withNull = new ArrayList<>(values);
    withNull.add(null);
    Comparator<Object> ascending = Comparator.nullsFirst((a, b) -> order.compare((V) a, (V) b));
    SortKeyEncoder up = SortKeyEncoder.of("test", schema, List.of("v"), List.of(false));
    SortKeyEncoder down = SortKeyEncoder.of("test", schema, List.of("v"), List.of(true));
    for (Object a : withNull) {
      for (Object b : withNull) {
        Row rowA = Row.withSchema(schema).addValue(a).build();
        Row rowB = Row.withSchema(schema).addValue(b).build();
        int want = Integer.signum(ascending.compare(a, b));
        String pair = type + ": " + show(a) + " vs " + show(b);
        assertEquals(want, Integer.signum(Arrays.compareUnsigned(up.encode(rowA), up.encode(rowB))), pair);
        assertEquals(-want, Integer.signum(Arrays.compareUnsigned(down.encode(rowA), down.encode(rowB))), pair);
      }
    }
  }

  private static String show(Object value) {
    return value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value);
  }
}
