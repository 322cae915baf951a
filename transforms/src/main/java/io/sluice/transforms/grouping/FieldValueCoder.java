package io.sluice.transforms.grouping;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * Encodes one (possibly null) value of a schema field type, as Beam's RowCoder would encode it
 * inside a row. Beam keeps its per-type coders package-private, so this borrows a one-field
 * RowCoder; a Row is built only when a value is encoded, i.e. when an accumulator crosses the
 * shuffle, never per input element.
 */
final class FieldValueCoder<T> extends CustomCoder<T> {
  private final Schema schema;
  private final RowCoder rowCoder;

  private FieldValueCoder(FieldType type) {
    this.schema = Schema.builder().addField("value", type.withNullable(true)).build();
    this.rowCoder = RowCoder.of(schema);
  }

  static <T> FieldValueCoder<T> of(FieldType type) {
    return new FieldValueCoder<>(type);
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    rowCoder.encode(Row.withSchema(schema).attachValues(Collections.singletonList(value)), out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    return rowCoder.decode(in).getValue(0);
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    rowCoder.verifyDeterministic();
  }
}
