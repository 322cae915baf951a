package io.sluice.transforms.grouping;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code groupby(keys).map_groups(fn)}, made by {@link GroupBy#mapGroups}: a function
 * over each whole group, returning any number of rows of one output schema. It is a GroupByKey on
 * the key columns followed by the function, so unlike {@link AggregateGroups} every row of a group
 * crosses the shuffle and a group is held in memory whole.
 */
public final class MapGroups extends PTransform<PCollection<?>, PCollection<Row>> {
  /** The function of one group: its key (a Row of the key columns) and its rows, to output rows. */
  @FunctionalInterface
  public interface GroupFn extends Serializable {
    Iterable<Row> apply(Row key, Iterable<Row> rows) throws Exception;
  }

  private final List<String> keys;
  private final GroupFn fn;
  private final Schema outputSchema;

  MapGroups(List<String> keys, GroupFn fn, Schema outputSchema) {
    if (fn == null) {
      throw new IllegalArgumentException("GroupBy.mapGroups: fn must not be null");
    }
    if (outputSchema == null) {
      throw new IllegalArgumentException("GroupBy.mapGroups: outputSchema must not be null; "
          + "it is the schema of the rows fn returns");
    }
    this.keys = keys;
    this.fn = fn;
    this.outputSchema = outputSchema;
  }

  @Override
  public PCollection<Row> expand(PCollection<?> input) {
    String where = Columns.describe("GroupBy.keys", keys) + ".mapGroups";
    PCollection<Row> rows = Columns.asRows(input, where);
    Schema inputSchema = rows.getSchema();
    Schema keySchema = Columns.keySchema(inputSchema, keys, where);
    return rows
        .apply("KeyByColumns", ParDo.of(new Columns.KeyByColumns(keySchema, Columns.indices(inputSchema, keys))))
        .setCoder(KvCoder.of(RowCoder.of(keySchema), RowCoder.of(inputSchema)))
        .apply("Group", GroupByKey.create())
        .apply("MapGroups", ParDo.of(new ApplyToGroup(where, fn, outputSchema)))
        .setRowSchema(outputSchema);
  }

  /** Applies the function to one group and checks what it returns. */
  static final class ApplyToGroup extends DoFn<KV<Row, Iterable<Row>>, Row> {
    private final String where;
    private final GroupFn fn;
    private final Schema outputSchema;
    /** The last row schema found equal to the output schema: rows of one fn mostly share an instance. */
    private transient Schema accepted;

    ApplyToGroup(String where, GroupFn fn, Schema outputSchema) {
      this.where = where;
      this.fn = fn;
      this.outputSchema = outputSchema;
    }

    @ProcessElement
    public void process(@Element KV<Row, Iterable<Row>> group, OutputReceiver<Row> out) throws Exception {
      Iterable<Row> rows = fn.apply(group.getKey(), group.getValue());
      if (rows == null) {
        throw new IllegalStateException(where + ": mapGroups' fn returned null for key " + group.getKey()
            + "; return an empty list for no rows");
      }
      for (Row row : rows) {
        if (row == null || (row.getSchema() != accepted && !acceptable(row.getSchema()))) {
          throw new IllegalStateException(where + ": mapGroups' fn returned a row of schema "
              + (row == null ? "null" : row.getSchema()) + " for key " + group.getKey()
              + "; it declared the output schema " + outputSchema);
        }
        out.output(row);
      }
    }

    private boolean acceptable(Schema schema) {
      if (!outputSchema.equals(schema)) {
        return false;
      }
      accepted = schema;
      return true;
    }
  }
}
