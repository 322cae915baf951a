package io.sluice.transforms.order;

import io.sluice.transforms.ColumnNames;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Encodes a row's sort columns into bytes whose unsigned lexicographic order is the sort order, so
 * that sampling, range partitioning and local sorting all compare plain byte arrays.
 *
 * <p>Every column's encoding is prefix-free (fixed width, or escaped and terminated), so the
 * concatenation orders like the tuple of columns, and flipping one column's bits reverses just that
 * column. A null is a lower marker byte than any value: nulls come first ascending, last descending.
 * Numbers order by value (floating point as {@link Double#compare}: -0.0 before 0.0, NaN last),
 * strings by Unicode code point (their UTF-8 bytes), bytes unsigned, datetimes by instant, booleans
 * false first, and logical types by their base value.
 */
final class SortKeyEncoder implements Serializable {
  private static final int NULL = 0x00;
  private static final int PRESENT = 0x01;

  private record Column(int index, FieldType type, boolean descending) implements Serializable {}

  private final List<Column> columns;

  private SortKeyEncoder(List<Column> columns) {
    this.columns = columns;
  }

  /**
   * The encoder for {@code names} in {@code schema}; fails naming {@code transform} when a column is
   * missing or cannot be compared.
   */
  static SortKeyEncoder of(String transform, Schema schema, List<String> names, List<Boolean> descending) {
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      int index = ColumnNames.indexOf(schema, name, transform);
      FieldType type = schema.getField(index).getType();
      if (!comparable(type, false)) {
        throw new IllegalArgumentException(transform + ": column '" + name + "' has type " + type
            + ", which cannot be sorted; sort by numbers, strings, booleans, datetimes or bytes");
      }
      columns.add(new Column(index, type, descending.get(i)));
    }
    return new SortKeyEncoder(columns);
  }

  byte[] encode(Row row) {
    KeyBuffer out = new KeyBuffer();
    for (Column column : columns) {
      int start = out.size();
      write(out, column.type(), row.getValue(column.index()));
      if (column.descending()) {
        out.invertFrom(start);
      }
    }
    return out.toByteArray();
  }

  /** Whether values of {@code type} have an order; a row only as the base of a logical type. */
  private static boolean comparable(FieldType type, boolean rowAllowed) {
    return switch (type.getTypeName()) {
      case BYTE, INT16, INT32, INT64, FLOAT, DOUBLE, DECIMAL, STRING, BOOLEAN, DATETIME, BYTES -> true;
      case LOGICAL_TYPE -> comparable(type.getLogicalType().getBaseType(), true);
      case ROW -> rowAllowed && type.getRowSchema().getFields().stream()
          .allMatch(field -> comparable(field.getType(), true));
      case ARRAY, ITERABLE, MAP -> false;
    };
  }

  private static void write(KeyBuffer out, FieldType type, Object value) {
    if (value == null) {
      out.put(NULL);
      return;
    }
    out.put(PRESENT);
    switch (type.getTypeName()) {
      case BYTE -> out.put((Byte) value ^ 0x80);
      case INT16 -> out.putShort((short) ((Short) value ^ 0x8000));
      case INT32 -> out.putInt((Integer) value ^ Integer.MIN_VALUE);
      case INT64 -> out.putLong((Long) value ^ Long.MIN_VALUE);
      case FLOAT -> {
        int bits = Float.floatToIntBits((Float) value);
        out.putInt(bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE);
      }
      case DOUBLE -> {
        long bits = Double.doubleToLongBits((Double) value);
        out.putLong(bits < 0 ? ~bits : bits ^ Long.MIN_VALUE);
      }
      case DECIMAL -> writeDecimal(out, (BigDecimal) value);
      case BOOLEAN -> out.put((Boolean) value ? 1 : 0);
      case DATETIME -> out.putLong(((ReadableInstant) value).getMillis() ^ Long.MIN_VALUE);
      case STRING -> writeEscaped(out, ((String) value).getBytes(StandardCharsets.UTF_8));
      case BYTES -> writeEscaped(out, (byte[]) value);
      case LOGICAL_TYPE -> {
        Schema.LogicalType logical = type.getLogicalType();
        write(out, logical.getBaseType(), logical.toBaseType(value));
      }
      case ROW -> {
        Row row = (Row) value;
        List<Schema.Field> fields = row.getSchema().getFields();
        for (int i = 0; i < fields.size(); i++) {
          write(out, fields.get(i).getType(), row.getValue(i));
        }
      }
      default -> throw new IllegalStateException("not comparable: " + type);
    }
  }

  /**
   * Sign class, then for a non-zero value its decimal exponent and significant digits (a digit is
   * never 0x00, so the terminator keeps it prefix-free); a negative value's magnitude is flipped.
   */
  private static void writeDecimal(KeyBuffer out, BigDecimal value) {
    int signum = value.signum();
    if (signum == 0) {
      out.put(2);
      return;
    }
    out.put(signum < 0 ? 1 : 3);
    int start = out.size();
    BigDecimal magnitude = value.abs().stripTrailingZeros();
    long exponent = (long) magnitude.precision() - magnitude.scale() - 1;
    out.putLong(exponent ^ Long.MIN_VALUE);
    for (char digit : magnitude.unscaledValue().toString().toCharArray()) {
      out.put(digit);
    }
    out.put(0);
    if (signum < 0) {
      out.invertFrom(start);
    }
  }

  /** 0x00 becomes 0x00 0xFF and 0x00 0x01 ends the value, so no encoding is a prefix of another. */
  private static void writeEscaped(KeyBuffer out, byte[] bytes) {
    for (byte b : bytes) {
      out.put(b);
      if (b == 0) {
        out.put(0xFF);
      }
    }
    out.put(0);
    out.put(1);
  }
}
