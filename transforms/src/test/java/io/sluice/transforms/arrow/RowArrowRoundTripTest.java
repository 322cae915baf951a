package io.sluice.transforms.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.EnumerationType;
import org.apache.beam.sdk.schemas.logicaltypes.FixedBytes;
import org.apache.beam.sdk.schemas.logicaltypes.FixedPrecisionNumeric;
import org.apache.beam.sdk.schemas.logicaltypes.FixedString;
import org.apache.beam.sdk.schemas.logicaltypes.NanosDuration;
import org.apache.beam.sdk.schemas.logicaltypes.NanosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.OneOfType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.schemas.logicaltypes.Timestamp;
import org.apache.beam.sdk.schemas.logicaltypes.VariableBytes;
import org.apache.beam.sdk.schemas.logicaltypes.VariableString;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every Beam type through Arrow and back: the Arrow type it maps to, the Beam schema derived back
 * from the Arrow schema, and the rows, with nulls in a nullable field and nested nulls.
 */
class RowArrowRoundTripTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noMemoryLeft() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory left after the roots were closed");
    allocator.close();
  }

  /**
   * Rows of a non-null field holding each value and a nullable field holding it or, every other
   * row, null; written to Arrow, checked against {@code arrowType}, and read back both with the
   * schema and with the schema derived from the root.
   */
  private void assertRoundTrip(FieldType type, ArrowType arrowType, Object... values) {
    Schema schema = Schema.builder()
        .addField("required", type.withNullable(false))
        .addField("optional", type.withNullable(true))
        .build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(Row.withSchema(schema).addValues(values[i], i % 2 == 0 ? null : values[i]).build());
    }
    org.apache.arrow.vector.types.pojo.Schema arrowSchema = ArrowSchemas.toArrowSchema(schema);
    Field required = arrowSchema.findField("required");
    assertEquals(arrowType, required.getType(), "Arrow type of " + type);
    assertFalse(required.isNullable());
    assertTrue(arrowSchema.findField("optional").isNullable());
    assertEquals(schema, ArrowSchemas.toBeamSchema(arrowSchema), "Beam schema derived back from " + arrowSchema);

    try (VectorSchemaRoot root = ArrowRows.toArrow(schema, rows, allocator)) {
      assertEquals(rows.size(), root.getRowCount());
      assertEquals(rows, ArrowRows.toRows(root, schema));
      assertEquals(rows, ArrowRows.toRows(root), "read with the schema derived from the root");
      ArrowRowReader reader = ArrowRowReader.of(root, schema);
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(rows.get(i), reader.read(i), "row " + i + " read on its own");
      }
    }
  }

  private static ArrowType.Int signed(int bits) {
    return new ArrowType.Int(bits, true);
  }

  @Test
  void byteType() {
    assertRoundTrip(FieldType.BYTE, signed(8), Byte.MIN_VALUE, (byte) 0, (byte) 7, Byte.MAX_VALUE);
  }

  @Test
  void int16() {
    assertRoundTrip(FieldType.INT16, signed(16), Short.MIN_VALUE, (short) -1, Short.MAX_VALUE);
  }

  @Test
  void int32() {
    assertRoundTrip(FieldType.INT32, signed(32), Integer.MIN_VALUE, 0, 42, Integer.MAX_VALUE);
  }

  @Test
  void int64() {
    assertRoundTrip(FieldType.INT64, signed(64), Long.MIN_VALUE, -1L, Long.MAX_VALUE);
  }

  @Test
  void floatType() {
    assertRoundTrip(FieldType.FLOAT, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
        -0.0f, 1.5f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE);
  }

  @Test
  void doubleType() {
    assertRoundTrip(FieldType.DOUBLE, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
        Math.PI, -0.0, Double.NaN, Double.MAX_VALUE);
  }

  @Test
  void booleanType() {
    assertRoundTrip(FieldType.BOOLEAN, ArrowType.Bool.INSTANCE, true, false, true);
  }

  @Test
  void string() {
    assertRoundTrip(FieldType.STRING, ArrowType.Utf8.INSTANCE, "", "plain", "ünïcödé ✓ 𝄞", "x".repeat(300));
  }

  @Test
  void bytes() {
    assertRoundTrip(FieldType.BYTES, ArrowType.Binary.INSTANCE,
        new byte[0], new byte[] {0, -1, 127}, "abc".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void datetimeIsAMillisecondTimestampInUtc() {
    assertRoundTrip(FieldType.DATETIME, new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"),
        new org.joda.time.Instant(0), new org.joda.time.Instant(-1), new org.joda.time.Instant(1_700_000_000_123L));
  }

  @Test
  void plainDecimalRoundTripsValuesInShortestFormAndFailsOnValuesThatDoNotFit() {
    assertRoundTrip(FieldType.DECIMAL, new ArrowType.Decimal(38, 18, 128),
        new BigDecimal("0"), new BigDecimal("1.5"), new BigDecimal("-0.000000000000000001"),
        new BigDecimal("100"), new BigDecimal("99999999999999999999.999999999999999999"));

    Schema schema = Schema.builder().addDecimalField("d").build();
    // 1.50 comes back as 1.5: equal in value, and the rule is documented.
    List<Row> trailingZero = List.of(Row.withSchema(schema).addValue(new BigDecimal("1.50")).build());
    try (VectorSchemaRoot root = ArrowRows.toArrow(schema, trailingZero, allocator)) {
      BigDecimal back = ArrowRows.toRows(root, schema).get(0).getDecimal("d");
      assertEquals(new BigDecimal("1.5"), back);
    }
    assertFails(schema, Row.withSchema(schema).addValue(new BigDecimal("0.0000000000000000001")).build(),
        "'d' holds 0.0000000000000000001, which has more than the 18 fraction digits");
    assertFails(schema, Row.withSchema(schema).addValue(new BigDecimal("1E+20")).build(),
        "more than the 20 integer digits");
  }

  @Test
  void arrayWithNullElementsAndNestedArrays() {
    FieldType nullableStrings = FieldType.array(FieldType.STRING.withNullable(true));
    assertRoundTrip(nullableStrings, ArrowType.List.INSTANCE,
        List.of(), Arrays.asList("a", null, "c"), Arrays.asList((String) null));
    assertRoundTrip(FieldType.array(FieldType.array(FieldType.INT32)), ArrowType.List.INSTANCE,
        List.of(List.of(1, 2), List.of(), List.of(3)), List.of());
  }

  @Test
  void iterableComesBackAsIterable() {
    assertRoundTrip(FieldType.iterable(FieldType.INT64), ArrowType.List.INSTANCE,
        List.of(1L, 2L), List.of(), List.of(-5L));
  }

  @Test
  void mapWithNullValues() {
    Map<String, Integer> withNull = new HashMap<>();
    withNull.put("none", null);
    withNull.put("one", 1);
    assertRoundTrip(FieldType.map(FieldType.STRING, FieldType.INT32.withNullable(true)), new ArrowType.Map(false),
        Map.of(), withNull, Map.of("a", 1, "b", 2));
  }

  @Test
  void rowWithNestedNullsAndRowsInCollections() {
    Schema inner = Schema.builder().addStringField("name").addNullableField("score", FieldType.DOUBLE)
        .addNullableField("tags", FieldType.array(FieldType.STRING)).build();
    Row full = Row.withSchema(inner).addValues("a", 1.5, List.of("x", "y")).build();
    Row sparse = Row.withSchema(inner).addValues("b", null, null).build();
    assertRoundTrip(FieldType.row(inner), ArrowType.Struct.INSTANCE, full, sparse);
    assertRoundTrip(FieldType.array(FieldType.row(inner).withNullable(true)), ArrowType.List.INSTANCE,
        Arrays.asList(full, null, sparse), List.of());
    assertRoundTrip(FieldType.map(FieldType.INT32, FieldType.row(inner)), new ArrowType.Map(false),
        Map.of(1, full, 2, sparse));
    Schema outer = Schema.builder().addNullableField("inner", FieldType.row(inner)).addInt32Field("n").build();
    assertRoundTrip(FieldType.row(outer), ArrowType.Struct.INSTANCE,
        Row.withSchema(outer).addValues(null, 1).build(), Row.withSchema(outer).addValues(full, 2).build());
  }

  @Test
  void sqlDate() {
    assertRoundTrip(FieldType.logicalType(SqlTypes.DATE), new ArrowType.Date(DateUnit.DAY),
        LocalDate.of(1970, 1, 1), LocalDate.of(1969, 12, 31), LocalDate.of(2024, 2, 29), LocalDate.of(1, 1, 1));
  }

  @Test
  void sqlTime() {
    assertRoundTrip(FieldType.logicalType(SqlTypes.TIME), new ArrowType.Time(TimeUnit.NANOSECOND, 64),
        LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_999), LocalTime.of(12, 0, 0, 1));
  }

  @Test
  void sqlDateTimeIsATimestampWithoutZone() {
    assertRoundTrip(FieldType.logicalType(SqlTypes.DATETIME), new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
        LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_000), LocalDateTime.of(1900, 1, 1, 0, 0),
        LocalDateTime.of(9999, 12, 31, 23, 59, 59));
    Schema schema = Schema.builder().addLogicalTypeField("t", SqlTypes.DATETIME).build();
    assertFails(schema, Row.withSchema(schema).addValue(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 1)).build(),
        "finer than its Arrow column's unit (MICROSECOND)");
  }

  @Test
  void sqlTimestampIsAMicrosecondTimestampInUtc() {
    assertRoundTrip(FieldType.logicalType(SqlTypes.TIMESTAMP), new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"),
        java.time.Instant.ofEpochSecond(0), java.time.Instant.ofEpochSecond(-1, 999_000),
        java.time.Instant.parse("2024-05-06T07:08:09.123456Z"));
  }

  @Test
  void nanosInstantIsANanosecondTimestampInUtcWithinItsRange() {
    assertRoundTrip(FieldType.logicalType(new NanosInstant()), new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"),
        java.time.Instant.ofEpochSecond(1, 1), java.time.Instant.ofEpochSecond(-1, 5));
    Schema schema = Schema.builder().addLogicalTypeField("t", new NanosInstant()).build();
    assertFails(schema, Row.withSchema(schema).addValue(java.time.Instant.parse("2300-01-01T00:00:00Z")).build(),
        "outside the range of its Arrow column");
  }

  @Test
  void timestampLogicalTypeKeepsItsPrecision() {
    assertRoundTrip(FieldType.logicalType(Timestamp.MILLIS), new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"),
        java.time.Instant.ofEpochMilli(1_700_000_000_123L), java.time.Instant.ofEpochMilli(-1));
    assertRoundTrip(FieldType.logicalType(Timestamp.of(0)), new ArrowType.Timestamp(TimeUnit.SECOND, "UTC"),
        java.time.Instant.ofEpochSecond(86_400));
  }

  @Test
  void fixedBytes() {
    assertRoundTrip(FieldType.logicalType(FixedBytes.of(3)), new ArrowType.FixedSizeBinary(3),
        new byte[] {1, 2, 3}, new byte[] {0, 0, 0}, new byte[] {-1, -2, -3});
  }

  @Test
  void variableBytes() {
    assertRoundTrip(FieldType.logicalType(VariableBytes.of(4)), ArrowType.Binary.INSTANCE,
        new byte[] {1}, new byte[0], new byte[] {1, 2, 3, 4});
  }

  @Test
  void fixedString() {
    assertRoundTrip(FieldType.logicalType(FixedString.of(2)), ArrowType.Utf8.INSTANCE, "ab", "çé", "  ");
  }

  @Test
  void variableString() {
    assertRoundTrip(FieldType.logicalType(VariableString.of(5)), ArrowType.Utf8.INSTANCE, "", "abcde", "é");
  }

  @Test
  void enumerationIsItsValueNames() {
    EnumerationType colors = EnumerationType.create(Map.of("red", 3, "green, or blue=", 7, "", 0));
    assertRoundTrip(FieldType.logicalType(colors), ArrowType.Utf8.INSTANCE,
        colors.valueOf("red"), colors.valueOf("green, or blue="), colors.valueOf(""));
  }

  @Test
  void fixedPrecisionNumericKeepsItsPrecisionAndScale() {
    assertRoundTrip(FieldType.logicalType(FixedPrecisionNumeric.of(10, 2)), new ArrowType.Decimal(10, 2, 128),
        new BigDecimal("12345678.90"), new BigDecimal("-0.01"), new BigDecimal("0.00"));
    assertRoundTrip(FieldType.logicalType(FixedPrecisionNumeric.of(50, 5)), new ArrowType.Decimal(50, 5, 256),
        new BigDecimal("123456789012345678901234567890123456789012345.12345"), new BigDecimal("-1.00000"));
    assertRoundTrip(FieldType.logicalType(FixedPrecisionNumeric.of(3)), new ArrowType.Decimal(38, 3, 128),
        new BigDecimal("1.250"), new BigDecimal("-7.000"));
    // Beam checks precision when a row is built, but not scale: the Arrow write does.
    Schema schema = Schema.builder().addLogicalTypeField("n", FixedPrecisionNumeric.of(10, 2)).build();
    assertFails(schema, Row.withSchema(schema).addValue(new BigDecimal("1.555")).build(),
        "more than the 2 fraction digits of its Arrow column decimal(10, 2)");
    Schema scaleOnly = Schema.builder().addLogicalTypeField("n", FixedPrecisionNumeric.of(2)).build();
    assertFails(scaleOnly, Row.withSchema(scaleOnly).addValue(new BigDecimal("1" + "0".repeat(36) + ".25")).build(),
        "more than the 36 integer digits of its Arrow column decimal(38, 2)");
  }

  @Test
  void uuid() {
    assertRoundTrip(FieldType.logicalType(SqlTypes.UUID), new ArrowType.FixedSizeBinary(16),
        UUID.randomUUID(), new UUID(0, 0), new UUID(-1, Long.MIN_VALUE));
  }

  @Test
  void emptyBatchAndEmptySchema() {
    Schema schema = Schema.builder().addStringField("s").addNullableField("a", FieldType.array(FieldType.INT32)).build();
    try (VectorSchemaRoot root = ArrowRows.toArrow(schema, List.of(), allocator)) {
      assertEquals(0, root.getRowCount());
      assertEquals(List.of(), ArrowRows.toRows(root, schema));
    }
    Schema none = Schema.builder().build();
    List<Row> rows = List.of(Row.withSchema(none).build(), Row.withSchema(none).build());
    try (VectorSchemaRoot root = ArrowRows.toArrow(none, rows, allocator)) {
      assertEquals(2, root.getRowCount());
      assertEquals(rows, ArrowRows.toRows(root, none));
    }
  }

  @Test
  void typesWithoutALosslessArrowTypeFailNamingTheField() {
    Schema oneOf = Schema.builder().addRowField("outer", Schema.builder().addLogicalTypeField("choice",
        OneOfType.create(Schema.Field.of("a", FieldType.INT32), Schema.Field.of("b", FieldType.STRING))).build()).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArrowSchemas.toArrowSchema(oneOf));
    assertTrue(e.getMessage().contains("'outer.choice'") && e.getMessage().contains("OneOf"), e.getMessage());

    Schema duration = Schema.builder().addLogicalTypeField("d", new NanosDuration()).build();
    e = assertThrows(IllegalArgumentException.class, () -> ArrowSchemas.toArrowSchema(duration));
    assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("nanos_duration"), e.getMessage());

    Schema precise = Schema.builder().addLogicalTypeField("t", Timestamp.of(4)).build();
    e = assertThrows(IllegalArgumentException.class, () -> ArrowSchemas.toArrowSchema(precise));
    assertTrue(e.getMessage().contains("'t'") && e.getMessage().contains("precision 0, 3, 6 or 9"), e.getMessage());

    Schema nullableKeys = Schema.builder()
        .addMapField("m", FieldType.STRING.withNullable(true), FieldType.INT32).build();
    e = assertThrows(IllegalArgumentException.class, () -> ArrowSchemas.toArrowSchema(nullableKeys));
    assertTrue(e.getMessage().contains("'m'") && e.getMessage().contains("map keys cannot be null"), e.getMessage());
  }

  @Test
  void aFailedWriteLeavesNoMemoryBehind() {
    Schema schema = Schema.builder().addStringField("s").addDecimalField("d").build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(Row.withSchema(schema).addValues("row " + i, BigDecimal.valueOf(i)).build());
    }
    rows.add(Row.withSchema(schema).addValues("bad", new BigDecimal("1e-30")).build());
    assertThrows(IllegalArgumentException.class, () -> ArrowRows.toArrow(schema, rows, allocator));
    // noMemoryLeft checks the allocator after this test.
  }

  @Test
  void schemaMetadataNamesTheBeamTypeOnlyWhereTheArrowTypeIsAmbiguous() {
    Map<String, FieldType> tagged = new LinkedHashMap<>();
    tagged.put("decimal", FieldType.DECIMAL);
    tagged.put("iterable", FieldType.iterable(FieldType.INT32));
    tagged.put("varchar", FieldType.logicalType(VariableString.of(3)));
    Map<String, FieldType> plain = new LinkedHashMap<>();
    plain.put("string", FieldType.STRING);
    plain.put("array", FieldType.array(FieldType.INT32));
    plain.put("date", FieldType.logicalType(SqlTypes.DATE));
    tagged.forEach((name, type) ->
        assertTrue(ArrowSchemas.toArrowField(name, type).getMetadata().containsKey(ArrowSchemas.BEAM_TYPE), name));
    plain.forEach((name, type) ->
        assertTrue(ArrowSchemas.toArrowField(name, type).getMetadata().isEmpty(), name));
  }

  private void assertFails(Schema schema, Row row, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArrowRows.toArrow(schema, List.of(row), allocator).close());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
