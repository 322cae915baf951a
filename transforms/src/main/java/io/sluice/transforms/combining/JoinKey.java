package io.sluice.transforms.combining;

import java.io.Serializable;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;

/**
 * A row's join key as bytes, so both sides group by equal bytes on every runner. Encoding a key Row
 * (not grouping by the Row itself) keeps the grouping key's coder deterministic even for
 * floating-point keys, which Beam's GroupByKey would otherwise refuse.
 */
final class JoinKey implements Serializable {
  private final int[] columns;
  /** The same on both sides: the key columns' types, not nullable (null keys are never encoded). */
  private final Schema keySchema;
  private final RowCoder coder;

  JoinKey(int[] columns, Schema keySchema) {
    this.columns = columns.clone();
    this.keySchema = keySchema;
    this.coder = RowCoder.of(keySchema);
  }

  /** The encoded key, or null when any key column is null: a null never equals anything (SQL). */
  byte[] encode(Row row) {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      Object value = row.getValue(columns[i]);
      if (value == null) {
        return null;
      }
      values[i] = withoutNegativeZero(value);
    }
    try {
      return CoderUtils.encodeToByteArray(coder, Row.withSchema(keySchema).addValues(values).build());
    } catch (CoderException e) {
      throw new IllegalStateException("Join: cannot encode the key " + java.util.Arrays.toString(values), e);
    }
  }

  /**
   * -0.0 equals 0.0 as a number but not as bytes, so it is encoded as 0.0. (Every NaN encodes to the
   * same bytes, so NaN keys match each other, as Double.equals has it.)
   */
  private static Object withoutNegativeZero(Object value) {
    if (value instanceof Double d && d == 0.0) {
      return 0.0;
    }
    if (value instanceof Float f && f == 0.0f) {
      return 0.0f;
    }
    return value;
  }
}
