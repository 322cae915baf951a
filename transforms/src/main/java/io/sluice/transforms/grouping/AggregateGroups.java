package io.sluice.transforms.grouping;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code groupby(keys).aggregate(...)}, made by {@link GroupBy#aggregate}: one output
 * row per distinct key, holding the key columns (with their input types) followed by one column per
 * {@link Agg}. Empty input gives empty output.
 *
 * <p>It keys each row by a Row of its key columns and runs every aggregate in one {@link
 * Combine#perKey} over a composed CombineFn, which runners lift into a partial combine before the
 * shuffle; a skewed key therefore sends one partial accumulator per bundle over the shuffle, not
 * all its rows. Beam's {@code Group.byFieldNames().aggregateField} is not used: it hands null
 * values to each CombineFn (Beam's Sum and Max fail on them), has no empty-group null, and nests
 * keys and aggregates in two row fields.
 */
public final class AggregateGroups extends PTransform<PCollection<?>, PCollection<Row>> {
  private final List<String> keys;
  private final List<Agg> aggregates;

  AggregateGroups(List<String> keys, List<Agg> aggregates) {
    this.keys = keys;
    this.aggregates = aggregates;
  }

  @Override
  public PCollection<Row> expand(PCollection<?> input) {
    String where = Columns.describe(Columns.describe("GroupBy.keys", keys) + ".aggregate", aggregates);
    PCollection<Row> rows = Columns.asRows(input, where);
    Schema inputSchema = rows.getSchema();
    Schema keySchema = Columns.keySchema(inputSchema, keys, where);
    AggregatesCombineFn combineFn = new AggregatesCombineFn(aggregates, inputSchema, where);
    Schema outputSchema = concat(keySchema, combineFn.outputSchema());
    return rows
        .apply("KeyByColumns", ParDo.of(new Columns.KeyByColumns(keySchema, Columns.indices(inputSchema, keys))))
        .setCoder(KvCoder.of(RowCoder.of(keySchema), RowCoder.of(inputSchema)))
        .apply("Aggregate", Combine.perKey(combineFn))
        .apply("KeysThenAggregates", ParDo.of(new KeysThenAggregates(outputSchema)))
        .setRowSchema(outputSchema);
  }

  private static Schema concat(Schema first, Schema second) {
    return Schema.builder().addFields(first.getFields()).addFields(second.getFields()).build();
  }

  /** One flat row: the key's values, then the aggregates'. */
  static final class KeysThenAggregates extends DoFn<KV<Row, Row>, Row> {
    private final Schema outputSchema;

    KeysThenAggregates(Schema outputSchema) {
      this.outputSchema = outputSchema;
    }

    @ProcessElement
    public void process(@Element KV<Row, Row> group, OutputReceiver<Row> out) {
      Row key = group.getKey();
      Row aggregates = group.getValue();
      List<Object> values = new ArrayList<>(outputSchema.getFieldCount());
      for (int i = 0; i < key.getFieldCount(); i++) {
        values.add(key.getValue(i));
      }
      for (int i = 0; i < aggregates.getFieldCount(); i++) {
        values.add(aggregates.getValue(i));
      }
      out.output(Row.withSchema(outputSchema).attachValues(values));
    }
  }
}
