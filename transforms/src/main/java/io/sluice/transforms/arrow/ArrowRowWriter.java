package io.sluice.transforms.arrow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.LogicalType;
import org.apache.beam.sdk.schemas.logicaltypes.Date;
import org.apache.beam.sdk.schemas.logicaltypes.DateTime;
import org.apache.beam.sdk.schemas.logicaltypes.EnumerationType;
import org.apache.beam.sdk.schemas.logicaltypes.FixedBytes;
import org.apache.beam.sdk.schemas.logicaltypes.FixedPrecisionNumeric;
import org.apache.beam.sdk.schemas.logicaltypes.FixedString;
import org.apache.beam.sdk.schemas.logicaltypes.Time;
import org.apache.beam.sdk.schemas.logicaltypes.UuidLogicalType;
import org.apache.beam.sdk.schemas.logicaltypes.VariableBytes;
import org.apache.beam.sdk.schemas.logicaltypes.VariableString;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Writes Beam rows, one at a time, into a new {@link VectorSchemaRoot} laid out by {@link
 * ArrowSchemas#toArrowSchema}. The caller owns the root ({@link #root()}) and closes it, also when a
 * write fails. A value the Arrow column cannot hold exactly (a decimal with too many digits, an
 * instant finer than its unit) fails with an IllegalArgumentException naming the field.
 *
 * <pre>{@code
 * ArrowRowWriter writer = ArrowRowWriter.create(schema, allocator);
 * rows.forEach(writer::write);
 * try (VectorSchemaRoot root = writer.finish()) { ... }
 * }</pre>
 */
public final class ArrowRowWriter {
  private final Schema schema;
  private final VectorSchemaRoot root;
  private final List<ValueWriter> writers = new ArrayList<>();
  private Schema lastMatchingSchema;
  private int rowCount;

  private ArrowRowWriter(Schema schema, VectorSchemaRoot root) {
    this.schema = schema;
    this.root = root;
    for (Schema.Field field : schema.getFields()) {
      writers.add(writer(field.getName(), root.getVector(field.getName()), field.getType()));
    }
  }

  /** A writer into a new root allocated from {@code allocator}; the caller closes the root. */
  public static ArrowRowWriter create(Schema schema, BufferAllocator allocator) {
    return create(schema, allocator, 0);
  }

  /**
   * As {@link #create(Schema, BufferAllocator)}, with room for {@code expectedRows} allocated up
   * front, so that writing them never grows (and copies) a vector; 0: Arrow's default.
   */
  public static ArrowRowWriter create(Schema schema, BufferAllocator allocator, int expectedRows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrowSchema(schema), allocator);
    try {
      if (expectedRows > 0) {
        for (FieldVector vector : root.getFieldVectors()) {
          vector.setInitialCapacity(expectedRows);
        }
      }
      root.allocateNew();
      return new ArrowRowWriter(schema, root);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** Appends a row, which must have this writer's schema. */
  public void write(Row row) {
    Schema rowSchema = row.getSchema();
    if (rowSchema != schema && rowSchema != lastMatchingSchema) {
      // Rows usually share one schema instance, but not always this writer's: compare it in full
      // once, not per row (Schema.equals walks every field).
      if (!rowSchema.equals(schema)) {
        throw new IllegalArgumentException("a row with schema " + rowSchema + " was written to an Arrow "
            + "batch of schema " + schema);
      }
      lastMatchingSchema = rowSchema;
    }
    for (int i = 0; i < writers.size(); i++) {
      writers.get(i).write(rowCount, row.getValue(i));
    }
    rowCount++;
  }

  public int rowCount() {
    return rowCount;
  }

  /** The root being written; its row count is set by {@link #finish()}. */
  public VectorSchemaRoot root() {
    return root;
  }

  /** Sets the root's row count to the rows written and returns it. */
  public VectorSchemaRoot finish() {
    root.setRowCount(rowCount);
    return root;
  }

  /** Writes one Beam value (null or not) at an index of its vector. */
  private abstract static class ValueWriter {
    final String path;
    final FieldVector vector;
    final boolean nullable;

    ValueWriter(String path, FieldVector vector, FieldType type) {
      this.path = path;
      this.vector = vector;
      this.nullable = type.getNullable();
    }

    final void write(int index, Object value) {
      if (value != null) {
        writeValue(index, value);
      } else if (nullable) {
        writeNull(index);
      } else {
        throw new IllegalArgumentException("Beam field '" + path + "' is not nullable but holds null");
      }
    }

    /** Also called for the children of a null struct, whatever their own nullability. */
    void writeNull(int index) {
      vector.setNull(index);
    }

    abstract void writeValue(int index, Object value);
  }

  @FunctionalInterface
  private interface Setter {
    void set(int index, Object value);
  }

  private static ValueWriter leaf(String path, FieldVector vector, FieldType type, Setter setter) {
    return new ValueWriter(path, vector, type) {
      @Override
      void writeValue(int index, Object value) {
        setter.set(index, value);
      }
    };
  }

  private static ValueWriter writer(String path, FieldVector vector, FieldType type) {
    return switch (type.getTypeName()) {
      case BYTE -> leaf(path, vector, type, (i, v) -> ((TinyIntVector) vector).setSafe(i, (Byte) v));
      case INT16 -> leaf(path, vector, type, (i, v) -> ((SmallIntVector) vector).setSafe(i, (Short) v));
      case INT32 -> leaf(path, vector, type, (i, v) -> ((IntVector) vector).setSafe(i, (Integer) v));
      case INT64 -> leaf(path, vector, type, (i, v) -> ((BigIntVector) vector).setSafe(i, (Long) v));
      case FLOAT -> leaf(path, vector, type, (i, v) -> ((Float4Vector) vector).setSafe(i, (Float) v));
      case DOUBLE -> leaf(path, vector, type, (i, v) -> ((Float8Vector) vector).setSafe(i, (Double) v));
      case BOOLEAN -> leaf(path, vector, type, (i, v) -> ((BitVector) vector).setSafe(i, (Boolean) v ? 1 : 0));
      case STRING -> leaf(path, vector, type, (i, v) -> ((VarCharVector) vector).setSafe(i, utf8(v)));
      case BYTES -> leaf(path, vector, type, (i, v) -> ((VarBinaryVector) vector).setSafe(i, (byte[]) v));
      case DATETIME -> leaf(path, vector, type,
          (i, v) -> ((TimeStampVector) vector).setSafe(i, ((ReadableInstant) v).getMillis()));
      case DECIMAL -> decimal(path, vector, type);
      case ARRAY, ITERABLE -> list(path, (ListVector) vector, type);
      case MAP -> map(path, (MapVector) vector, type);
      case ROW -> struct(path, (StructVector) vector, type);
      case LOGICAL_TYPE -> logical(path, vector, type);
    };
  }

  private static ValueWriter logical(String path, FieldVector vector, FieldType type) {
    LogicalType<?, ?> logical = type.getLogicalType();
    String id = logical.getIdentifier();
    if (id.equals(Date.IDENTIFIER)) {
      return leaf(path, vector, type,
          (i, v) -> ((DateDayVector) vector).setSafe(i, Math.toIntExact(((LocalDate) v).toEpochDay())));
    } else if (id.equals(Time.IDENTIFIER)) {
      return leaf(path, vector, type, (i, v) -> ((TimeNanoVector) vector).setSafe(i, ((LocalTime) v).toNanoOfDay()));
    } else if (id.equals(DateTime.IDENTIFIER)) {
      ArrowType.Timestamp arrow = (ArrowType.Timestamp) vector.getField().getType();
      return leaf(path, vector, type, (i, v) -> ((TimeStampVector) vector).setSafe(i,
          TimeUnits.fromLocalDateTime((LocalDateTime) v, arrow.getUnit(), path)));
    } else if (vector instanceof TimeStampVector timestamps) {
      // MicrosInstant, NanosInstant and Timestamp: java.time.Instant values.
      ArrowType.Timestamp arrow = (ArrowType.Timestamp) vector.getField().getType();
      return leaf(path, vector, type, (i, v) -> timestamps.setSafe(i, TimeUnits.fromInstant((Instant) v, arrow.getUnit(), path)));
    } else if (id.equals(UuidLogicalType.IDENTIFIER)) {
      return leaf(path, vector, type, (i, v) -> ((FixedSizeBinaryVector) vector).setSafe(i, uuidBytes((UUID) v)));
    } else if (id.equals(FixedBytes.IDENTIFIER)) {
      int width = ((FixedSizeBinaryVector) vector).getByteWidth();
      return leaf(path, vector, type, (i, v) -> {
        byte[] bytes = (byte[]) v;
        if (bytes.length != width) {
          throw new IllegalArgumentException("Beam field '" + path + "' holds " + bytes.length
              + " bytes; its type " + type + " holds exactly " + width);
        }
        ((FixedSizeBinaryVector) vector).setSafe(i, bytes);
      });
    } else if (id.equals(VariableBytes.IDENTIFIER)) {
      return leaf(path, vector, type, (i, v) -> ((VarBinaryVector) vector).setSafe(i, (byte[]) v));
    } else if (id.equals(FixedString.IDENTIFIER) || id.equals(VariableString.IDENTIFIER)) {
      return leaf(path, vector, type, (i, v) -> ((VarCharVector) vector).setSafe(i, utf8(v)));
    } else if (id.equals(EnumerationType.IDENTIFIER)) {
      EnumerationType enumeration = (EnumerationType) logical;
      return leaf(path, vector, type, (i, v) ->
          ((VarCharVector) vector).setSafe(i, utf8(enumeration.toString((EnumerationType.Value) v))));
    } else if (id.equals(FixedPrecisionNumeric.IDENTIFIER)) {
      return decimal(path, vector, type);
    }
    // ArrowSchemas refused this type when the root was made; this is a guard against drift.
    throw ArrowSchemas.unsupported(path, type, "it has no lossless Arrow type");
  }

  private static ValueWriter decimal(String path, FieldVector vector, FieldType type) {
    ArrowType.Decimal arrow = (ArrowType.Decimal) vector.getField().getType();
    return leaf(path, vector, type, (i, v) -> {
      BigDecimal value = fitDecimal(path, (BigDecimal) v, arrow);
      if (vector instanceof DecimalVector decimals) {
        decimals.setSafe(i, value);
      } else {
        ((Decimal256Vector) vector).setSafe(i, value);
      }
    });
  }

  /** The value at the column's scale, or a failure if that needs rounding or more digits than it has. */
  private static BigDecimal fitDecimal(String path, BigDecimal value, ArrowType.Decimal arrow) {
    BigDecimal scaled;
    try {
      scaled = value.setScale(arrow.getScale(), RoundingMode.UNNECESSARY);
    } catch (ArithmeticException rounding) {
      throw new IllegalArgumentException("Beam field '" + path + "' holds " + value.toPlainString() + ", which has more "
          + "than the " + arrow.getScale() + " fraction digits of its Arrow column decimal(" + arrow.getPrecision()
          + ", " + arrow.getScale() + ")");
    }
    if (scaled.precision() > arrow.getPrecision()) {
      throw new IllegalArgumentException("Beam field '" + path + "' holds " + value.toPlainString() + ", which has more "
          + "than the " + (arrow.getPrecision() - arrow.getScale()) + " integer digits of its Arrow column decimal("
          + arrow.getPrecision() + ", " + arrow.getScale() + ")");
    }
    return scaled;
  }

  private static ValueWriter list(String path, ListVector list, FieldType type) {
    ValueWriter element = writer(path + "[]", list.getDataVector(), type.getCollectionElementType());
    return new ValueWriter(path, list, type) {
      @Override
      void writeValue(int index, Object value) {
        int start = list.startNewValue(index);
        int count = 0;
        for (Object item : (Iterable<?>) value) {
          element.write(start + count++, item);
        }
        list.endValue(index, count);
      }
    };
  }

  private static ValueWriter map(String path, MapVector map, FieldType type) {
    StructVector entries = (StructVector) map.getDataVector();
    ValueWriter key = writer(path + "{key}", entries.getChildrenFromFields().get(0), type.getMapKeyType());
    ValueWriter mapValue = writer(path + "{value}", entries.getChildrenFromFields().get(1), type.getMapValueType());
    return new ValueWriter(path, map, type) {
      @Override
      void writeValue(int index, Object value) {
        int start = map.startNewValue(index);
        int count = 0;
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          entries.setIndexDefined(start + count);
          key.write(start + count, entry.getKey());
          mapValue.write(start + count, entry.getValue());
          count++;
        }
        map.endValue(index, count);
      }
    };
  }

  private static ValueWriter struct(String path, StructVector struct, FieldType type) {
    List<ValueWriter> children = new ArrayList<>();
    List<Schema.Field> fields = type.getRowSchema().getFields();
    for (int i = 0; i < fields.size(); i++) {
      children.add(writer(ArrowSchemas.child(path, fields.get(i).getName()),
          struct.getChildrenFromFields().get(i), fields.get(i).getType()));
    }
    return new ValueWriter(path, struct, type) {
      @Override
      void writeValue(int index, Object value) {
        Row row = (Row) value;
        struct.setIndexDefined(index);
        for (int i = 0; i < children.size(); i++) {
          children.get(i).write(index, row.getValue(i));
        }
      }

      @Override
      void writeNull(int index) {
        // Children of a null struct still get a slot each, so every vector stays as long as its parent.
        for (ValueWriter child : children) {
          child.writeNull(index);
        }
        struct.setNull(index);
      }
    };
  }

  private static byte[] utf8(Object value) {
    return ((String) value).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] uuidBytes(UUID uuid) {
    return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
  }
}
