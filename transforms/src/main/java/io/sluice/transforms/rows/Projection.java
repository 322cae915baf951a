package io.sluice.transforms.rows;

import io.sluice.transforms.ColumnNames;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * What every column transform does to a row: each output column is either an input column, by
 * position, or computed by an expression. Select, drop, rename, add and replace are all one
 * projection, run by one DoFn that copies value references without converting them.
 */
record Projection(Schema output, int[] sources, Expr.Bound[] computed) implements Serializable {
  /** Marks an output column computed by its expression rather than copied. */
  static final int COMPUTED = -1;

  /** Fails, naming the transform, if any of {@code columns} is not in {@code schema}. */
  static void requireColumns(Schema schema, List<String> columns, String transform) {
    columns.forEach(column -> ColumnNames.indexOf(schema, column, transform));
  }

  /** The input schema with column {@code name} computed by {@code expr}: replaced in place, or appended. */
  static Projection withColumn(Schema input, String name, Expr.Bound expr) {
    List<Schema.Field> fields = new ArrayList<>(input.getFields());
    int[] sources = new int[input.getFieldCount() + (input.hasField(name) ? 0 : 1)];
    Expr.Bound[] computed = new Expr.Bound[sources.length];
    for (int i = 0; i < input.getFieldCount(); i++) {
      sources[i] = i;
    }
    int at = input.hasField(name) ? input.indexOf(name) : input.getFieldCount();
    Schema.Field field = Schema.Field.of(name, expr.type());
    if (at < fields.size()) {
      fields.set(at, field);
    } else {
      fields.add(field);
    }
    sources[at] = COMPUTED;
    computed[at] = expr;
    return new Projection(Schema.of(fields.toArray(Schema.Field[]::new)), sources, computed);
  }

  /** The input columns at {@code positions}, in that order, named {@code names}. */
  static Projection pick(Schema input, int[] positions, List<String> names) {
    Schema.Field[] fields = new Schema.Field[positions.length];
    for (int i = 0; i < positions.length; i++) {
      fields[i] = input.getField(positions[i]).withName(names.get(i));
    }
    return new Projection(Schema.of(fields), positions, new Expr.Bound[positions.length]);
  }

  Row apply(Row row) {
    Object[] values = new Object[sources.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = sources[i] == COMPUTED ? computed[i].eval(row) : row.getValue(sources[i]);
    }
    return Row.withSchema(output).attachValues(values);
  }

  /** The transform that applies a projection planned from the input's schema. */
  abstract static class Transform extends PTransform<PCollection<Row>, PCollection<Row>> {
    /**
     * What the transform is called in errors. Not its applied name: a PTransform cannot see that
     * while it expands; the stack trace points at the apply call.
     */
    String describe() {
      return getClass().getSimpleName();
    }

    abstract Projection plan(Schema input);

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      if (!input.hasSchema()) {
        throw new IllegalArgumentException(describe() + " needs a PCollection with a schema (of Rows); "
            + "set one with setRowSchema or convert with Convert.toRows()");
      }
      Projection projection = plan(input.getSchema());
      return input.apply("Project", ParDo.of(new ProjectFn(projection))).setRowSchema(projection.output());
    }
  }

  private static final class ProjectFn extends DoFn<Row, Row> {
    private final Projection projection;

    ProjectFn(Projection projection) {
      this.projection = projection;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      out.output(projection.apply(row));
    }
  }
}
