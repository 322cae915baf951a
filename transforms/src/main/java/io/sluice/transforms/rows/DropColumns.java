package io.sluice.transforms.rows;

import io.sluice.transforms.ColumnNames;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.schemas.Schema;

/** Ray Data's {@code drop_columns}: every column but the named ones, in input order. */
public final class DropColumns extends Projection.Transform {
  private final List<String> columns;

  private DropColumns(List<String> columns) {
    this.columns = columns;
  }

  public static DropColumns of(String... columns) {
    return new DropColumns(ColumnNames.requireDistinct("DropColumns.of", "column", columns));
  }

  @Override
  Projection plan(Schema input) {
    Projection.requireColumns(input, columns, describe());
    int[] kept = IntStream.range(0, input.getFieldCount())
        .filter(i -> !columns.contains(input.getField(i).getName())).toArray();
    return Projection.pick(input, kept, IntStream.of(kept).mapToObj(i -> input.getField(i).getName()).toList());
  }
}
