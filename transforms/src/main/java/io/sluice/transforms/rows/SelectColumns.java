package io.sluice.transforms.rows;

import io.sluice.transforms.ColumnNames;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;

/** Ray Data's {@code select_columns}: keeps the named columns, in the order given. */
public final class SelectColumns extends Projection.Transform {
  private final List<String> columns;

  private SelectColumns(List<String> columns) {
    this.columns = columns;
  }

  public static SelectColumns of(String... columns) {
    return new SelectColumns(ColumnNames.requireDistinct("SelectColumns.of", "column", columns));
  }

  @Override
  Projection plan(Schema input) {
    Projection.requireColumns(input, columns, describe());
    return Projection.pick(input, columns.stream().mapToInt(input::indexOf).toArray(), columns);
  }
}
