package io.sluice.transforms.grouping;

import io.sluice.transforms.ColumnNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.Coder.NonDeterministicException;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/** Column look-ups and checks shared by the grouping transforms, with errors naming the transform. */
final class Columns {
  private Columns() {}

  /**
   * How errors name a transform: as it was built, e.g. {@code GroupBy.keys(k).aggregate(count())}.
   * Beam does not tell a transform the name it was applied under, and runners add that themselves.
   */
  static String describe(String builtAs, List<?> arguments) {
    return builtAs + "(" + arguments.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
  }

  /** The input as Rows: itself if it holds Rows, else converted by its schema. */
  @SuppressWarnings("unchecked")
  static PCollection<Row> asRows(PCollection<?> input, String where) {
    if (!input.hasSchema()) {
      throw new IllegalArgumentException(where + ": the input has no schema; give it one (setRowSchema, "
          + "setSchema or a @DefaultSchema type)");
    }
    if (input.getCoder() instanceof RowCoder) {
      return (PCollection<Row>) input;
    }
    return input.apply("ToRows", ParDo.of(new ToRows((SerializableFunction<Object, Row>) input.getToRowFunction())))
        .setRowSchema(input.getSchema());
  }

  /** Converts schema'd elements to Rows. */
  static final class ToRows extends DoFn<Object, Row> {
    private final SerializableFunction<Object, Row> toRow;

    ToRows(SerializableFunction<Object, Row> toRow) {
      this.toRow = toRow;
    }

    @ProcessElement
    public void process(@Element Object element, OutputReceiver<Row> out) {
      out.output(toRow.apply(element));
    }
  }

  /** Checks that aggregates are given and that no two output columns (keys included) share a name. */
  static List<Agg> requireAggregates(String method, List<String> keys, Agg... aggs) {
    if (aggs == null || aggs.length == 0) {
      throw new IllegalArgumentException(method + ": give at least one aggregate, e.g. Agg.count()");
    }
    Set<String> names = new HashSet<>(keys);
    for (Agg agg : aggs) {
      if (agg == null) {
        throw new IllegalArgumentException(method + ": an aggregate must not be null");
      }
      if (!names.add(agg.name())) {
        throw new IllegalArgumentException(method + ": two output columns are named '" + agg.name()
            + "'; rename one with .as(\"alias\")");
      }
    }
    return List.of(aggs);
  }

  /** The key columns, in the given order, with their input types; each must be groupable. */
  static Schema keySchema(Schema input, List<String> keys, String where) {
    Schema.Builder schema = Schema.builder();
    for (String key : keys) {
      Schema.Field field = input.getField(ColumnNames.indexOf(input, key, where));
      try {
        RowCoder.of(Schema.of(field)).verifyDeterministic();
      } catch (NonDeterministicException e) {
        throw new IllegalArgumentException(where + ": cannot group by column '" + key + "' of type "
            + field.getType() + ": Beam groups by encoded keys and this type's encoding is not deterministic ("
            + e.getMessage() + "); convert it to an integer or string column first", e);
      }
      schema.addField(field);
    }
    return schema.build();
  }

  static int[] indices(Schema input, List<String> columns) {
    return columns.stream().mapToInt(input::indexOf).toArray();
  }

  /** Keys each row by the Row of its key columns; the value is the input row itself. */
  static final class KeyByColumns extends DoFn<Row, KV<Row, Row>> {
    private final Schema keySchema;
    private final int[] keyIndices;

    KeyByColumns(Schema keySchema, int[] keyIndices) {
      this.keySchema = keySchema;
      this.keyIndices = keyIndices;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Row, Row>> out) {
      List<Object> key = new ArrayList<>(keyIndices.length);
      for (int index : keyIndices) {
        key.add(row.getValue(index));
      }
      // The values come from a valid row of the same field types, so no need to verify them again.
      out.output(KV.of(Row.withSchema(keySchema).attachValues(key), row));
    }
  }
}
