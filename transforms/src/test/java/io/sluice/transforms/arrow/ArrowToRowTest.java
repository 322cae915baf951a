package io.sluice.transforms.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.TimeStampSecTZVector;
import org.apache.arrow.vector.TimeStampSecVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarBinaryVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.EnumerationType;
import org.apache.beam.sdk.schemas.logicaltypes.FixedBytes;
import org.apache.beam.sdk.schemas.logicaltypes.FixedPrecisionNumeric;
import org.apache.beam.sdk.schemas.logicaltypes.NanosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Arrow columns built by hand, as readers (Parquet, Arrow IPC, CSV) hand them over, read as Beam
 * rows: the Beam schema derived for them and every value, nulls included. The expected values are
 * computed with java.time and BigDecimal from the raw Arrow values, not by the code under test.
 */
class ArrowToRowTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noMemoryLeft() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory left after the roots were closed");
    allocator.close();
  }

  private static VectorSchemaRoot root(int rows, FieldVector... vectors) {
    for (FieldVector vector : vectors) {
      vector.setValueCount(rows);
    }
    VectorSchemaRoot root = new VectorSchemaRoot(List.of(vectors));
    root.setRowCount(rows);
    return root;
  }

  /** The values of one column of the rows. */
  private static List<Object> column(List<Row> rows, String name) {
    List<Object> values = new ArrayList<>();
    rows.forEach(row -> values.add(row.getValue(name)));
    return values;
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertFailsWith(String expected, Executable executable) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void timestampsWithoutAZoneAreLocalDateTimesInEveryUnit() {
    long[] millis = {1_700_000_000_123L, -1L};
    long[] nanos = {1_700_000_000_123_456_789L, -1L};
    TimeStampSecVector seconds = new TimeStampSecVector("s", allocator);
    TimeStampMilliVector milli = new TimeStampMilliVector("ms", allocator);
    TimeStampNanoVector nano = new TimeStampNanoVector("ns", allocator);
    for (int i = 0; i < 2; i++) {
      seconds.setSafe(i, millis[i] / 1000);
      milli.setSafe(i, millis[i]);
      nano.setSafe(i, nanos[i]);
    }
    seconds.setNull(2);
    milli.setNull(2);
    nano.setNull(2);
    try (VectorSchemaRoot root = root(3, seconds, milli, nano)) {
      Schema schema = ArrowSchemas.toBeamSchema(root.getSchema());
      for (String name : List.of("s", "ms", "ns")) {
        assertEquals(Schema.FieldType.logicalType(SqlTypes.DATETIME).withNullable(true), schema.getField(name).getType());
      }
      List<Row> rows = ArrowRows.toRows(root);
      assertEquals(Arrays.asList(LocalDateTime.ofEpochSecond(millis[0] / 1000, 0, ZoneOffset.UTC),
          LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC), null), column(rows, "s"));
      assertEquals(Arrays.asList(LocalDateTime.ofInstant(Instant.ofEpochMilli(millis[0]), ZoneOffset.UTC),
          LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000), null), column(rows, "ms"));
      assertEquals(Arrays.asList(LocalDateTime.ofInstant(Instant.ofEpochSecond(0, nanos[0]), ZoneOffset.UTC),
          LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999), null), column(rows, "ns"));
    }
  }

  @Test
  void timestampsWithAZoneAreInstantsOfTheirUnitsPrecision() {
    String zone = "America/New_York";
    TimeStampSecTZVector seconds = new TimeStampSecTZVector("s", allocator, zone);
    TimeStampMilliTZVector milli = new TimeStampMilliTZVector("ms", allocator, zone);
    TimeStampMicroTZVector micro = new TimeStampMicroTZVector("us", allocator, "UTC");
    TimeStampNanoTZVector nano = new TimeStampNanoTZVector("ns", allocator, "+01:00");
    seconds.setSafe(0, -86_400);
    milli.setSafe(0, 1_700_000_000_123L);
    micro.setSafe(0, 1_700_000_000_123_456L);
    nano.setSafe(0, -1L);
    try (VectorSchemaRoot root = root(1, seconds, milli, micro, nano)) {
      Schema schema = ArrowSchemas.toBeamSchema(root.getSchema());
      assertEquals(Schema.TypeName.DATETIME, schema.getField("s").getType().getTypeName());
      assertEquals(Schema.TypeName.DATETIME, schema.getField("ms").getType().getTypeName());
      assertEquals(Schema.FieldType.logicalType(SqlTypes.TIMESTAMP).withNullable(true), schema.getField("us").getType());
      assertEquals(Schema.FieldType.logicalType(new NanosInstant()).withNullable(true), schema.getField("ns").getType());
      Row row = ArrowRows.toRows(root).get(0);
      assertEquals(new org.joda.time.Instant(-86_400_000L), row.getValue("s"));
      assertEquals(new org.joda.time.Instant(1_700_000_000_123L), row.getValue("ms"));
      assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_456_000L), row.getValue("us"));
      assertEquals(Instant.ofEpochSecond(-1, 999_999_999), row.getValue("ns"));
    }
  }

  @Test
  void listOfStringsWithNullListsAndNullItems() {
    ListVector list = ListVector.empty("tags", allocator);
    list.addOrGetVector(FieldType.nullable(ArrowType.Utf8.INSTANCE));
    VarCharVector items = (VarCharVector) list.getDataVector();
    List<List<String>> values = Arrays.asList(Arrays.asList("a", null, "b"), null, List.of(), List.of("ü"));
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        list.setNull(i);
        continue;
      }
      int start = list.startNewValue(i);
      for (int j = 0; j < values.get(i).size(); j++) {
        String item = values.get(i).get(j);
        if (item == null) {
          items.setNull(start + j);
        } else {
          items.setSafe(start + j, utf8(item));
        }
      }
      list.endValue(i, values.get(i).size());
    }
    try (VectorSchemaRoot root = root(values.size(), list)) {
      assertEquals(Schema.FieldType.array(Schema.FieldType.STRING.withNullable(true)).withNullable(true),
          ArrowSchemas.toBeamSchema(root.getSchema()).getField("tags").getType());
      assertEquals(values, column(ArrowRows.toRows(root), "tags"));
    }
  }

  @Test
  void largeAndFixedSizeListsAreArrays() {
    LargeListVector large = LargeListVector.empty("large", allocator);
    large.addOrGetVector(FieldType.notNullable(new ArrowType.Int(32, true)));
    IntVector ints = (IntVector) large.getDataVector();
    long start = large.startNewValue(0);
    ints.setSafe((int) start, 7);
    ints.setSafe((int) start + 1, 8);
    large.endValue(0, 2);
    large.setNull(1);
    FixedSizeListVector pairs = FixedSizeListVector.empty("pair", 2, allocator);
    pairs.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    Float4Vector floats = (Float4Vector) pairs.getDataVector();
    pairs.setNotNull(0);
    floats.setSafe(0, 1.5f);
    floats.setSafe(1, -2f);
    pairs.setNull(1);
    floats.setSafe(2, 0f);
    floats.setSafe(3, 0f);
    floats.setValueCount(4);
    try (VectorSchemaRoot root = root(2, large, pairs)) {
      List<Row> rows = ArrowRows.toRows(root);
      assertEquals(Arrays.asList(List.of(7, 8), null), column(rows, "large"));
      assertEquals(Arrays.asList(List.of(1.5f, -2f), null), column(rows, "pair"));
    }
  }

  @Test
  void structWithANullStructAndNullChildren() {
    StructVector struct = StructVector.empty("person", allocator);
    IntVector id = struct.addOrGet("id", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
    VarCharVector name = struct.addOrGet("name", FieldType.notNullable(ArrowType.Utf8.INSTANCE), VarCharVector.class);
    struct.setIndexDefined(0);
    id.setSafe(0, 1);
    name.setSafe(0, utf8("ada"));
    struct.setNull(1);
    struct.setIndexDefined(2);
    id.setNull(2);
    name.setSafe(2, utf8("bob"));
    try (VectorSchemaRoot root = root(3, struct)) {
      Schema person = Schema.builder().addNullableField("id", Schema.FieldType.INT32).addStringField("name").build();
      assertEquals(Schema.FieldType.row(person).withNullable(true),
          ArrowSchemas.toBeamSchema(root.getSchema()).getField("person").getType());
      assertEquals(Arrays.asList(Row.withSchema(person).addValues(1, "ada").build(), null,
          Row.withSchema(person).addValues(null, "bob").build()), column(ArrowRows.toRows(root), "person"));
    }
  }

  @Test
  void mapsWithNullValuesAndANullMap() {
    MapVector map = MapVector.empty("counts", allocator, false);
    StructVector entries = (StructVector) map.addOrGetVector(FieldType.notNullable(ArrowType.Struct.INSTANCE)).getVector();
    VarCharVector keys = entries.addOrGet("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), VarCharVector.class);
    IntVector values = entries.addOrGet("value", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
    int start = map.startNewValue(0);
    entries.setIndexDefined(start);
    keys.setSafe(start, utf8("a"));
    values.setSafe(start, 1);
    entries.setIndexDefined(start + 1);
    keys.setSafe(start + 1, utf8("none"));
    values.setNull(start + 1);
    map.endValue(0, 2);
    map.setNull(1);
    try (VectorSchemaRoot root = root(2, map)) {
      assertEquals(Schema.FieldType.map(Schema.FieldType.STRING, Schema.FieldType.INT32.withNullable(true)).withNullable(true),
          ArrowSchemas.toBeamSchema(root.getSchema()).getField("counts").getType());
      Map<String, Integer> expected = new LinkedHashMap<>();
      expected.put("a", 1);
      expected.put("none", null);
      assertEquals(Arrays.asList(expected, null), column(ArrowRows.toRows(root), "counts"));

      keys.setSafe(start + 1, utf8("a")); // the same key twice in one map
      assertFailsWith("holds key a twice", () -> ArrowRows.toRows(root));
    }
  }

  @Test
  void decimal128And256KeepPrecisionAndScaleOrReadAsPlainDecimal() {
    DecimalVector small = new DecimalVector("price", allocator, 10, 2);
    Decimal256Vector wide = new Decimal256Vector("big", allocator, 40, 3);
    BigDecimal price = new BigDecimal("12345678.90");
    BigDecimal big = new BigDecimal("1234567890123456789012345678901234567.125");
    small.setSafe(0, price);
    wide.setSafe(0, big);
    small.setNull(1);
    wide.setSafe(1, big.negate());
    try (VectorSchemaRoot root = root(2, small, wide)) {
      Schema schema = ArrowSchemas.toBeamSchema(root.getSchema());
      assertEquals(Schema.FieldType.logicalType(FixedPrecisionNumeric.of(10, 2)).withNullable(true),
          schema.getField("price").getType());
      assertEquals(Schema.FieldType.logicalType(FixedPrecisionNumeric.of(40, 3)).withNullable(true),
          schema.getField("big").getType());
      List<Row> rows = ArrowRows.toRows(root);
      assertEquals(Arrays.asList(price, null), column(rows, "price"));
      assertEquals(List.of(big, big.negate()), column(rows, "big"));

      Schema plain = Schema.builder().addNullableField("price", Schema.FieldType.DECIMAL)
          .addDecimalField("big").build();
      // Plain DECIMAL: the shortest form of each value.
      assertEquals(Arrays.asList(new BigDecimal("12345678.9"), null), column(ArrowRows.toRows(root, plain), "price"));
    }
  }

  @Test
  void dictionaryEncodedStringsReadAsStringsOrAsAnEnumeration() {
    VarCharVector words = new VarCharVector("words", allocator);
    words.setSafe(0, utf8("red"));
    words.setSafe(1, utf8("green"));
    words.setValueCount(2);
    Dictionary dictionary = new Dictionary(words, new DictionaryEncoding(1L, false, null));
    DictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider(dictionary);
    VarCharVector raw = new VarCharVector("color", allocator);
    List<String> colors = Arrays.asList("green", "red", null, "green");
    for (int i = 0; i < colors.size(); i++) {
      if (colors.get(i) == null) {
        raw.setNull(i);
      } else {
        raw.setSafe(i, utf8(colors.get(i)));
      }
    }
    raw.setValueCount(colors.size());
    FieldVector encoded = (FieldVector) DictionaryEncoder.encode(raw, dictionary);
    raw.close();
    try (words; VectorSchemaRoot root = root(colors.size(), encoded)) {
      assertEquals(Schema.FieldType.STRING.withNullable(true),
          ArrowSchemas.toBeamSchema(root.getSchema(), provider).getField("color").getType());
      assertEquals(colors, column(ArrowRowReader.of(root, provider).readAll(), "color"));

      EnumerationType enumeration = EnumerationType.create("red", "green");
      Schema asEnum = Schema.builder().addNullableField("color", Schema.FieldType.logicalType(enumeration)).build();
      List<Object> expected = new ArrayList<>();
      colors.forEach(c -> expected.add(c == null ? null : enumeration.valueOf(c)));
      assertEquals(expected, column(ArrowRowReader.of(root, asEnum, provider).readAll(), "color"));

      assertFailsWith("'color' is dictionary-encoded", () -> ArrowSchemas.toBeamSchema(root.getSchema()));
      Schema wrongEnum = Schema.builder()
          .addNullableField("color", Schema.FieldType.logicalType(EnumerationType.create("red", "blue"))).build();
      assertFailsWith("holds 'green', which is not a value of", () -> ArrowRowReader.of(root, wrongEnum, provider).readAll());
    }
  }

  @Test
  void largeAndViewStringsAndBinariesAndFixedSizeBinary() {
    LargeVarCharVector largeText = new LargeVarCharVector("large_text", allocator);
    ViewVarCharVector viewText = new ViewVarCharVector("view_text", allocator);
    LargeVarBinaryVector largeBytes = new LargeVarBinaryVector("large_bytes", allocator);
    ViewVarBinaryVector viewBytes = new ViewVarBinaryVector("view_bytes", allocator);
    FixedSizeBinaryVector fixed = new FixedSizeBinaryVector("fixed", allocator, 2);
    // View vectors inline short values and keep longer ones in data buffers: use both.
    List<String> texts = Arrays.asList("short", null, "a string longer than twelve bytes");
    for (int i = 0; i < texts.size(); i++) {
      for (VariableWidthFieldVector vector : List.<VariableWidthFieldVector>of(largeText, viewText, largeBytes, viewBytes)) {
        if (texts.get(i) == null) {
          vector.setNull(i);
        } else {
          vector.setSafe(i, utf8(texts.get(i)));
        }
      }
    }
    fixed.setSafe(0, new byte[] {1, 2});
    fixed.setNull(1);
    fixed.setSafe(2, new byte[] {-1, 0});
    try (VectorSchemaRoot root = root(texts.size(), largeText, viewText, largeBytes, viewBytes, fixed)) {
      Schema schema = ArrowSchemas.toBeamSchema(root.getSchema());
      assertEquals(Schema.TypeName.STRING, schema.getField("large_text").getType().getTypeName());
      assertEquals(Schema.TypeName.STRING, schema.getField("view_text").getType().getTypeName());
      assertEquals(Schema.TypeName.BYTES, schema.getField("large_bytes").getType().getTypeName());
      assertEquals(Schema.TypeName.BYTES, schema.getField("view_bytes").getType().getTypeName());
      assertEquals(Schema.FieldType.logicalType(FixedBytes.of(2)).withNullable(true), schema.getField("fixed").getType());
      List<Row> rows = ArrowRows.toRows(root);
      assertEquals(texts, column(rows, "large_text"));
      assertEquals(texts, column(rows, "view_text"));
      for (int i = 0; i < texts.size(); i++) {
        byte[] expected = texts.get(i) == null ? null : utf8(texts.get(i));
        assertTrue(Arrays.equals(expected, rows.get(i).getBytes("large_bytes")), "large_bytes row " + i);
        assertTrue(Arrays.equals(expected, rows.get(i).getBytes("view_bytes")), "view_bytes row " + i);
      }
      assertTrue(Arrays.equals(new byte[] {-1, 0}, rows.get(2).getBytes("fixed")));
      assertNull(rows.get(1).getValue("fixed"));
    }
  }

  @Test
  void unsignedIntsWidenToTheNextSignedTypeAndUint64Fails() {
    UInt1Vector u8 = new UInt1Vector("u8", allocator);
    UInt2Vector u16 = new UInt2Vector("u16", allocator);
    UInt4Vector u32 = new UInt4Vector("u32", allocator);
    u8.setSafe(0, 0xFF);
    u16.setSafe(0, 0xFFFF);
    u32.setSafe(0, 0xFFFF_FFFF);
    u8.setSafe(1, 1);
    u16.setSafe(1, 1);
    u32.setSafe(1, 1);
    try (VectorSchemaRoot root = root(2, u8, u16, u32)) {
      Schema schema = ArrowSchemas.toBeamSchema(root.getSchema());
      assertEquals(Schema.TypeName.INT16, schema.getField("u8").getType().getTypeName());
      assertEquals(Schema.TypeName.INT32, schema.getField("u16").getType().getTypeName());
      assertEquals(Schema.TypeName.INT64, schema.getField("u32").getType().getTypeName());
      List<Row> rows = ArrowRows.toRows(root);
      assertEquals(List.of((short) 255, (short) 1), column(rows, "u8"));
      assertEquals(List.of(65_535, 1), column(rows, "u16"));
      assertEquals(List.of(4_294_967_295L, 1L), column(rows, "u32"));
    }
    org.apache.arrow.vector.types.pojo.Schema uint64 = new org.apache.arrow.vector.types.pojo.Schema(
        List.of(Field.nullable("big", new ArrowType.Int(64, false))));
    assertFailsWith("'big'", () -> ArrowSchemas.toBeamSchema(uint64));
  }

  @Test
  void float16ReadsExactlyAsFloat() {
    Float2Vector half = new Float2Vector("h", allocator);
    float[] values = {1.5f, -0.25f, 65504f};
    for (int i = 0; i < values.length; i++) {
      half.setSafeWithPossibleTruncate(i, values[i]);
    }
    half.setNull(3);
    try (VectorSchemaRoot root = root(4, half)) {
      assertEquals(Schema.TypeName.FLOAT, ArrowSchemas.toBeamSchema(root.getSchema()).getField("h").getType().getTypeName());
      assertEquals(Arrays.asList(1.5f, -0.25f, 65504f, null), column(ArrowRows.toRows(root), "h"));
    }
  }

  @Test
  void datesAndTimesOfEveryWidth() {
    DateDayVector days = new DateDayVector("date32", allocator);
    DateMilliVector millis = new DateMilliVector("date64", allocator);
    TimeSecVector sec = new TimeSecVector("time_s", allocator);
    TimeMilliVector milli = new TimeMilliVector("time_ms", allocator);
    TimeMicroVector micro = new TimeMicroVector("time_us", allocator);
    TimeNanoVector nano = new TimeNanoVector("time_ns", allocator);
    LocalDate date = LocalDate.of(2024, 2, 29);
    LocalTime time = LocalTime.of(13, 14, 15, 123_456_789);
    days.setSafe(0, (int) date.toEpochDay());
    millis.setSafe(0, date.toEpochDay() * 86_400_000L);
    sec.setSafe(0, time.toSecondOfDay());
    milli.setSafe(0, (int) (time.toNanoOfDay() / 1_000_000));
    micro.setSafe(0, time.toNanoOfDay() / 1_000);
    nano.setSafe(0, time.toNanoOfDay());
    try (VectorSchemaRoot root = root(1, days, millis, sec, milli, micro, nano)) {
      Schema schema = ArrowSchemas.toBeamSchema(root.getSchema());
      for (String name : List.of("date32", "date64")) {
        assertEquals(Schema.FieldType.logicalType(SqlTypes.DATE).withNullable(true), schema.getField(name).getType());
      }
      for (String name : List.of("time_s", "time_ms", "time_us", "time_ns")) {
        assertEquals(Schema.FieldType.logicalType(SqlTypes.TIME).withNullable(true), schema.getField(name).getType());
      }
      Row row = ArrowRows.toRows(root).get(0);
      assertEquals(date, row.getValue("date32"));
      assertEquals(date, row.getValue("date64"));
      assertEquals(time.withNano(0), row.getValue("time_s"));
      assertEquals(time.withNano(123_000_000), row.getValue("time_ms"));
      assertEquals(time.withNano(123_456_000), row.getValue("time_us"));
      assertEquals(time, row.getValue("time_ns"));

      millis.setSafe(0, date.toEpochDay() * 86_400_000L + 1); // date64 must hold whole days
      assertFailsWith("not a whole day", () -> ArrowRows.toRows(root));
    }
  }

  @Test
  void theNullTypeHasNoBeamTypeButReadsAsNullsIntoANullableField() {
    NullVector nothing = new NullVector("nothing", 2);
    IntVector id = new IntVector("id", allocator);
    id.setSafe(0, 1);
    id.setSafe(1, 2);
    try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(id, nothing))) {
      root.setRowCount(2);
      assertFailsWith("'nothing' has the null type", () -> ArrowSchemas.toBeamSchema(root.getSchema()));
      Schema declared = Schema.builder().addInt32Field("id").addNullableField("nothing", Schema.FieldType.STRING).build();
      assertEquals(Arrays.asList(null, null), column(ArrowRows.toRows(root, declared), "nothing"));
      Schema notNullable = Schema.builder().addInt32Field("id").addStringField("nothing").build();
      assertFailsWith("only a nullable field", () -> ArrowRows.toRows(root, notNullable));
    }
  }

  @Test
  void typesWithoutALosslessBeamTypeFailNamingTheField() {
    Map<String, ArrowType> unsupported = Map.of(
        "duration", new ArrowType.Duration(TimeUnit.SECOND),
        "interval", new ArrowType.Interval(IntervalUnit.DAY_TIME),
        "union", new ArrowType.Union(UnionMode.Sparse, new int[0]));
    unsupported.forEach((name, type) -> {
      org.apache.arrow.vector.types.pojo.Schema schema =
          new org.apache.arrow.vector.types.pojo.Schema(List.of(Field.nullable(name, type)));
      assertFailsWith("'" + name + "' has type " + type, () -> ArrowSchemas.toBeamSchema(schema));
    });
  }

  @Test
  void columnsMustFitTheDeclaredSchemaByNameAndType() {
    IntVector count = new IntVector("count", allocator);
    StructVector struct = StructVector.empty("s", allocator);
    IntVector inner = struct.addOrGet("id", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
    count.setSafe(0, 1);
    count.setNull(1);
    struct.setIndexDefined(0);
    inner.setSafe(0, 5);
    struct.setIndexDefined(1);
    inner.setSafe(1, 6);
    try (VectorSchemaRoot root = root(2, count, struct)) {
      Schema inner32 = Schema.builder().addInt32Field("id").build();
      Schema widened = Schema.builder().addNullableField("count", Schema.FieldType.INT64)
          .addRowField("s", inner32).build();
      assertFailsWith("Arrow column 'count' has type Int(32, true), which does not fit Beam field type INT64",
          () -> ArrowRowReader.of(root, widened));
      Schema nestedWrong = Schema.builder().addNullableField("count", Schema.FieldType.INT32)
          .addRowField("s", Schema.builder().addStringField("id").build()).build();
      assertFailsWith("Arrow column 's.id' has type Int(32, true)", () -> ArrowRowReader.of(root, nestedWrong));
      Schema missing = Schema.builder().addNullableField("count", Schema.FieldType.INT32)
          .addRowField("s", inner32).addStringField("name").build();
      assertFailsWith("Beam field 'name' has no Arrow column", () -> ArrowRowReader.of(root, missing));
      Schema extra = Schema.builder().addNullableField("count", Schema.FieldType.INT32).build();
      assertFailsWith("Arrow column 's' is not a field of the Beam schema", () -> ArrowRowReader.of(root, extra));

      Schema notNullable = Schema.builder().addInt32Field("count").addRowField("s", inner32).build();
      ArrowRowReader reader = ArrowRowReader.of(root, notNullable);
      assertEquals(1, reader.read(0).getInt32("count"));
      assertFailsWith("Beam field 'count' is not nullable, but its Arrow column holds null at index 1",
          () -> reader.read(1));
    }
  }
}
