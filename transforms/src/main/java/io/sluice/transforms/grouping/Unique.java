package io.sluice.transforms.grouping;

import io.sluice.transforms.ColumnNames;
import io.sluice.transforms.rows.SelectColumns;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code ds.unique(column)}: the distinct values of one column, as rows holding only that
 * column (Ray returns a list; this stays a PCollection). Null is one value among the others.
 *
 * <pre>{@code
 * PCollection<Row> countries = users.apply(Unique.of("country"));
 * }</pre>
 *
 * <p>Projects the column and applies Beam's {@link Distinct}, which combines before the shuffle,
 * so each distinct value crosses it at most once per bundle. Like a {@link GroupBy} key, the column
 * must have a deterministic encoding (no floating-point, map or iterable columns).
 */
public final class Unique extends PTransform<PCollection<?>, PCollection<Row>> {
  private final String column;

  private Unique(String column) {
    this.column = column;
  }

  /** The distinct values of {@code column}. */
  public static Unique of(String column) {
    return new Unique(ColumnNames.requireDistinct("Unique.of", "column", column).get(0));
  }

  @Override
  public PCollection<Row> expand(PCollection<?> input) {
    String where = Columns.describe("Unique.of", List.of(column));
    PCollection<Row> rows = Columns.asRows(input, where);
    Schema inputSchema = rows.getSchema();
    // Checks the column exists and encodes deterministically, as a grouping key must.
    Schema valueSchema = Columns.keySchema(inputSchema, Collections.singletonList(column), where);
    return rows
        .apply("Project", SelectColumns.of(column))
        .apply("Distinct", Distinct.create())
        .setRowSchema(valueSchema);
  }
}
