package io.sluice.transforms.order;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/** Rows carrying their position as a trailing INT64 column: how Sort and RandomShuffle make order visible. */
final class IndexedRows {
  static final String DEFAULT_INDEX_COLUMN = "row_index";

  private IndexedRows() {}

  static void requireIndexColumnName(String transform, String column) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException(transform + " index column must be a non-empty name, was '" + column + "'");
    }
  }

  /** The input schema plus the index column; fails naming {@code transform} if that name is taken. */
  static Schema withIndexColumn(String transform, Schema input, String column) {
    if (input.hasField(column)) {
      throw new IllegalArgumentException(transform + ": the input already has a column '" + column
          + "'; name the index column with withIndexColumn(name)");
    }
    return Schema.builder().addFields(input.getFields()).addInt64Field(column).build();
  }

  /** Appends a row's position as its last column. */
  static final class AppendIndexFn extends DoFn<KV<Long, Row>, Row> {
    private final Schema output;

    AppendIndexFn(Schema output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element KV<Long, Row> positioned, OutputReceiver<Row> out) {
      List<Object> values = new ArrayList<>(positioned.getValue().getValues());
      values.add(positioned.getKey());
      out.output(Row.withSchema(output).attachValues(values));
    }
  }
}
