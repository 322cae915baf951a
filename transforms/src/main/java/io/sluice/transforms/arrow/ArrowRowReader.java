package io.sluice.transforms.arrow;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.LogicalType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.logicaltypes.Date;
import org.apache.beam.sdk.schemas.logicaltypes.DateTime;
import org.apache.beam.sdk.schemas.logicaltypes.EnumerationType;
import org.apache.beam.sdk.schemas.logicaltypes.FixedPrecisionNumeric;
import org.apache.beam.sdk.schemas.logicaltypes.MicrosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.NanosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.Time;
import org.apache.beam.sdk.schemas.logicaltypes.Timestamp;
import org.apache.beam.sdk.schemas.logicaltypes.UuidLogicalType;
import org.apache.beam.sdk.values.Row;

/**
 * Reads the rows of a {@link VectorSchemaRoot} as Beam rows of a given schema, one at a time
 * ({@link #read}) or all at once. The root must have a column of the same name for every Beam
 * field and no other; each column's Arrow type must be the one {@link ArrowSchemas} maps that Beam
 * type to, or one that {@link ArrowSchemas} maps to that Beam type (so an int32 column never
 * silently widens into INT64; plain DECIMAL, which has no fixed scale, reads any Arrow decimal). A
 * mismatch fails when the reader is made, naming the column and both types; a null in a field the
 * Beam schema says is not nullable fails when read. The root stays the caller's.
 *
 * <pre>{@code
 * ArrowRowReader reader = ArrowRowReader.of(root, schema);
 * for (int i = 0; i < reader.rowCount(); i++) { consume(reader.read(i)); }
 * }</pre>
 */
public final class ArrowRowReader {
  private final Schema schema;
  private final VectorSchemaRoot root;
  private final List<ValueReader> readers = new ArrayList<>();

  private ArrowRowReader(VectorSchemaRoot root, Schema schema, DictionaryProvider dictionaries) {
    this.schema = schema;
    this.root = root;
    checkNames("", root.getSchema().getFields(), schema);
    for (Schema.Field field : schema.getFields()) {
      readers.add(reader(field.getName(), root.getVector(field.getName()), field.getType(), dictionaries));
    }
  }

  /** Reads {@code root} as rows of {@code schema}; the root must not be dictionary-encoded. */
  public static ArrowRowReader of(VectorSchemaRoot root, Schema schema) {
    return new ArrowRowReader(root, schema, null);
  }

  /** Reads {@code root} as rows of {@code schema}, decoding dictionary-encoded columns with {@code dictionaries}. */
  public static ArrowRowReader of(VectorSchemaRoot root, Schema schema, DictionaryProvider dictionaries) {
    return new ArrowRowReader(root, schema, dictionaries);
  }

  /** Reads {@code root} as rows of the Beam schema {@link ArrowSchemas} derives from it. */
  public static ArrowRowReader of(VectorSchemaRoot root) {
    return of(root, (DictionaryProvider) null);
  }

  /** As {@link #of(VectorSchemaRoot)}, decoding dictionary-encoded columns with {@code dictionaries}. */
  public static ArrowRowReader of(VectorSchemaRoot root, DictionaryProvider dictionaries) {
    return new ArrowRowReader(root, ArrowSchemas.toBeamSchema(root.getSchema(), dictionaries), dictionaries);
  }

  public Schema schema() {
    return schema;
  }

  public int rowCount() {
    return root.getRowCount();
  }

  public Row read(int index) {
    Object[] values = new Object[readers.size()];
    for (int column = 0; column < values.length; column++) {
      values[column] = readers.get(column).read(index);
    }
    return Row.withSchema(schema).attachValues(values);
  }

  /** Every row; read column by column, so each column's reader runs over all rows in one loop. */
  public List<Row> readAll() {
    return read(0, rowCount());
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive), read column by column as {@link #readAll}. */
  public List<Row> read(int from, int to) {
    if (from < 0 || to > rowCount() || from > to) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rowCount());
    }
    Object[][] values = new Object[to - from][readers.size()];
    for (int column = 0; column < readers.size(); column++) {
      ValueReader reader = readers.get(column);
      for (int i = from; i < to; i++) {
        values[i - from][column] = reader.read(i);
      }
    }
    List<Row> rows = new ArrayList<>(to - from);
    for (Object[] row : values) {
      rows.add(Row.withSchema(schema).attachValues(row));
    }
    return rows;
  }

  @FunctionalInterface
  private interface ValueReader {
    Object read(int index);
  }

  /** Checks that the Arrow fields are the Beam schema's fields, by name. */
  private static void checkNames(String path, List<Field> fields, Schema schema) {
    Set<String> seen = new HashSet<>();
    for (Field field : fields) {
      String name = field.getName();
      if (!seen.add(name)) {
        throw new IllegalArgumentException("Arrow column '" + ArrowSchemas.child(path, name) + "' appears twice");
      }
      if (!schema.hasField(name)) {
        throw new IllegalArgumentException("Arrow column '" + ArrowSchemas.child(path, name)
            + "' is not a field of the Beam schema, whose fields are " + schema.getFieldNames());
      }
    }
    for (String name : schema.getFieldNames()) {
      if (!seen.contains(name)) {
        throw new IllegalArgumentException("Beam field '" + ArrowSchemas.child(path, name)
            + "' has no Arrow column; the columns are " + fields.stream().map(Field::getName).toList());
      }
    }
  }

  private static ValueReader reader(String path, FieldVector vector, FieldType target, DictionaryProvider dictionaries) {
    Field field = vector.getField();
    if (field.getType().getTypeID() == ArrowTypeID.Null) {
      if (!target.getNullable()) {
        throw mismatch(path, field, target, "the null type fits only a nullable field");
      }
      return index -> null;
    }
    ValueReader value;
    if (field.getDictionary() != null) {
      Dictionary dictionary = ArrowSchemas.dictionary(path, field, dictionaries);
      ValueReader entries = reader(path, dictionary.getVector(), target, dictionaries);
      BaseIntVector indexes = (BaseIntVector) vector;
      value = index -> entries.read((int) indexes.getValueAsLong(index));
    } else {
      value = valueReader(path, vector, target, dictionaries);
    }
    boolean nullable = target.getNullable();
    return index -> {
      if (!vector.isNull(index)) {
        return value.read(index);
      } else if (nullable) {
        return null;
      }
      // Checked per value: the children of a null struct hold nulls that are never read.
      throw new IllegalArgumentException("Beam field '" + path + "' is not nullable, but its Arrow column holds "
          + "null at index " + index);
    };
  }

  private static ValueReader valueReader(String path, FieldVector vector, FieldType target, DictionaryProvider dictionaries) {
    Field field = vector.getField();
    ArrowTypeID arrow = field.getType().getTypeID();
    switch (target.getTypeName()) {
      case ARRAY, ITERABLE -> {
        if (arrow != ArrowTypeID.List && arrow != ArrowTypeID.LargeList && arrow != ArrowTypeID.FixedSizeList) {
          throw mismatch(path, field, target, "a list was expected");
        }
        return list(path, vector, target, dictionaries);
      }
      case MAP -> {
        if (arrow != ArrowTypeID.Map) {
          throw mismatch(path, field, target, "a map was expected");
        }
        return map(path, (MapVector) vector, target, dictionaries);
      }
      case ROW -> {
        if (arrow != ArrowTypeID.Struct) {
          throw mismatch(path, field, target, "a struct was expected");
        }
        return struct(path, (StructVector) vector, target, dictionaries);
      }
      default -> {
        checkLeaf(path, field, target);
        return leaf(path, vector, target);
      }
    }
  }

  /** A leaf column fits its Beam field if either maps to the other, or it is a decimal read as plain DECIMAL. */
  private static void checkLeaf(String path, Field field, FieldType target) {
    ArrowType wanted = ArrowSchemas.arrowField(path, field.getName(), target).getType();
    if (wanted.equals(field.getType())
        || (target.getTypeName() == TypeName.DECIMAL && field.getType().getTypeID() == ArrowTypeID.Decimal)) {
      return;
    }
    FieldType natural;
    try {
      natural = ArrowSchemas.beamType(path, field, null);
    } catch (IllegalArgumentException noBeamType) {
      throw mismatch(path, field, target, noBeamType.getMessage());
    }
    if (!natural.withNullable(false).equals(target.withNullable(false))) {
      throw mismatch(path, field, target, "it reads as " + natural.withNullable(false) + " and Arrow " + wanted
          + " is expected for " + target.withNullable(false));
    }
  }

  private static IllegalArgumentException mismatch(String path, Field field, FieldType target, String why) {
    return new IllegalArgumentException("Arrow column '" + path + "' has type " + field.getType()
        + ", which does not fit Beam field type " + target + ": " + why);
  }

  private static ValueReader leaf(String path, FieldVector vector, FieldType target) {
    return switch (target.getTypeName()) {
      case BYTE -> ((TinyIntVector) vector)::get;
      case INT16 -> vector instanceof UInt1Vector unsigned ? unsigned::getObjectNoOverflow : ((SmallIntVector) vector)::get;
      case INT32 -> vector instanceof UInt2Vector unsigned ? i -> (int) unsigned.get(i) : ((IntVector) vector)::get;
      case INT64 -> vector instanceof UInt4Vector unsigned ? unsigned::getObjectNoOverflow : ((BigIntVector) vector)::get;
      case FLOAT -> vector instanceof Float2Vector half ? half::getValueAsFloat : ((Float4Vector) vector)::get;
      case DOUBLE -> ((Float8Vector) vector)::get;
      case BOOLEAN -> {
        BitVector bits = (BitVector) vector;
        yield i -> bits.get(i) != 0;
      }
      case STRING -> string(vector);
      case BYTES -> bytes(vector);
      case DATETIME -> {
        ValueReader instant = instant(vector);
        yield i -> new org.joda.time.Instant(((java.time.Instant) instant.read(i)).toEpochMilli());
      }
      case DECIMAL -> i -> shortest((BigDecimal) vector.getObject(i));
      case LOGICAL_TYPE -> logical(path, vector, target.getLogicalType());
      case ARRAY, ITERABLE, MAP, ROW -> throw new IllegalStateException("not a leaf type: " + target);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ValueReader logical(String path, FieldVector vector, LogicalType<?, ?> logical) {
    String id = logical.getIdentifier();
    if (id.equals(Date.IDENTIFIER)) {
      return date(path, vector);
    } else if (id.equals(Time.IDENTIFIER)) {
      return time(vector);
    } else if (id.equals(DateTime.IDENTIFIER)) {
      TimeStampVector timestamps = (TimeStampVector) vector;
      TimeUnit unit = ((ArrowType.Timestamp) vector.getField().getType()).getUnit();
      return i -> TimeUnits.toLocalDateTime(timestamps.get(i), unit);
    } else if (id.equals(MicrosInstant.IDENTIFIER) || id.equals(NanosInstant.IDENTIFIER) || id.equals(Timestamp.IDENTIFIER)) {
      return instant(vector);
    } else if (id.equals(UuidLogicalType.IDENTIFIER)) {
      ValueReader bytes = bytes(vector);
      return i -> {
        ByteBuffer buffer = ByteBuffer.wrap((byte[]) bytes.read(i));
        return new UUID(buffer.getLong(), buffer.getLong());
      };
    } else if (id.equals(EnumerationType.IDENTIFIER)) {
      EnumerationType enumeration = (EnumerationType) logical;
      ValueReader names = string(vector);
      return i -> {
        String name = (String) names.read(i);
        if (!enumeration.getValuesMap().containsKey(name)) {
          throw new IllegalArgumentException("Arrow column '" + path + "' holds '" + name + "', which is not a value of "
              + "its Beam enumeration " + enumeration.getValues());
        }
        return enumeration.valueOf(name);
      };
    }
    // Logical types whose Java values are their base values (bytes, strings, decimals): the
    // logical type checks each value (a length, a precision).
    LogicalType passThrough = logical;
    ValueReader base = switch (logical.getBaseType().getTypeName()) {
      case BYTES -> bytes(vector);
      case STRING -> string(vector);
      case DECIMAL -> id.equals(FixedPrecisionNumeric.IDENTIFIER) ? vector::getObject : i -> shortest((BigDecimal) vector.getObject(i));
      default -> throw ArrowSchemas.unsupported(path, FieldType.logicalType(logical), "it has no lossless Arrow type");
    };
    return i -> passThrough.toInputType(base.read(i));
  }

  private static ValueReader date(String path, FieldVector vector) {
    if (vector instanceof DateDayVector days) {
      return i -> LocalDate.ofEpochDay(days.get(i));
    }
    DateMilliVector millis = (DateMilliVector) vector;
    return i -> {
      long value = millis.get(i);
      if (value % 86_400_000L != 0) {
        throw new IllegalArgumentException("Arrow column '" + path + "' (date64) holds " + value
            + " ms, which is not a whole day as date64 requires");
      }
      return LocalDate.ofEpochDay(value / 86_400_000L);
    };
  }

  private static ValueReader time(FieldVector vector) {
    if (vector instanceof TimeSecVector seconds) {
      return i -> LocalTime.ofSecondOfDay(seconds.get(i));
    } else if (vector instanceof TimeMilliVector millis) {
      return i -> LocalTime.ofNanoOfDay(millis.get(i) * 1_000_000L);
    } else if (vector instanceof TimeMicroVector micros) {
      return i -> LocalTime.ofNanoOfDay(micros.get(i) * 1_000L);
    }
    TimeNanoVector nanos = (TimeNanoVector) vector;
    return i -> LocalTime.ofNanoOfDay(nanos.get(i));
  }

  private static ValueReader instant(FieldVector vector) {
    TimeStampVector timestamps = (TimeStampVector) vector;
    TimeUnit unit = ((ArrowType.Timestamp) vector.getField().getType()).getUnit();
    return i -> TimeUnits.toInstant(timestamps.get(i), unit);
  }

  private static ValueReader string(FieldVector vector) {
    ValueReader bytes = bytes(vector);
    return i -> new String((byte[]) bytes.read(i), StandardCharsets.UTF_8);
  }

  private static ValueReader bytes(FieldVector vector) {
    if (vector instanceof FixedSizeBinaryVector fixed) {
      return fixed::get;
    }
    return ((VariableWidthFieldVector) vector)::get;
  }

  /** Plain DECIMAL's rule: trailing fraction zeros dropped, never a negative scale (100, not 1E+2). */
  private static BigDecimal shortest(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static ValueReader list(String path, FieldVector vector, FieldType target, DictionaryProvider dictionaries) {
    FieldVector items = vector.getChildrenFromFields().get(0);
    ValueReader element = reader(path + "[]", items, target.getCollectionElementType(), dictionaries);
    return i -> {
      long start;
      long end;
      if (vector instanceof ListVector list) {
        start = list.getElementStartIndex(i);
        end = list.getElementEndIndex(i);
      } else if (vector instanceof LargeListVector large) {
        start = large.getElementStartIndex(i);
        end = large.getElementEndIndex(i);
      } else {
        FixedSizeListVector fixed = (FixedSizeListVector) vector;
        start = fixed.getElementStartIndex(i);
        end = fixed.getElementEndIndex(i);
      }
      List<Object> values = new ArrayList<>((int) (end - start));
      for (long j = start; j < end; j++) {
        values.add(element.read(Math.toIntExact(j)));
      }
      return values;
    };
  }

  private static ValueReader map(String path, MapVector vector, FieldType target, DictionaryProvider dictionaries) {
    List<FieldVector> entries = vector.getDataVector().getChildrenFromFields();
    ValueReader key = reader(path + "{key}", entries.get(0), target.getMapKeyType(), dictionaries);
    ValueReader value = reader(path + "{value}", entries.get(1), target.getMapValueType(), dictionaries);
    return i -> {
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int j = vector.getElementStartIndex(i); j < vector.getElementEndIndex(i); j++) {
        Object k = key.read(j);
        if (map.containsKey(k)) {
          throw new IllegalArgumentException("Arrow map column '" + path + "' holds key " + k
              + " twice in one map; a Beam map holds each key once");
        }
        map.put(k, value.read(j));
      }
      return map;
    };
  }

  private static ValueReader struct(String path, StructVector vector, FieldType target, DictionaryProvider dictionaries) {
    Schema schema = target.getRowSchema();
    List<FieldVector> children = vector.getChildrenFromFields();
    checkNames(path, children.stream().map(FieldVector::getField).toList(), schema);
    List<ValueReader> readers = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      FieldVector child = children.stream().filter(c -> c.getName().equals(field.getName())).findFirst().orElseThrow();
      readers.add(reader(ArrowSchemas.child(path, field.getName()), child, field.getType(), dictionaries));
    }
    return i -> {
      List<Object> values = new ArrayList<>(readers.size());
      for (ValueReader reader : readers) {
        values.add(reader.read(i));
      }
      return Row.withSchema(schema).attachValues(values);
    };
  }
}
