package io.sluice.transforms.grouping;

import java.util.List;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's global aggregates, {@code ds.aggregate(...)}, {@code ds.sum("x")}, {@code
 * ds.std("x")} and so on: exactly one output row, with one column per {@link Agg}, also for empty
 * input (where {@code count()} is 0 and the other built-in aggregates are null).
 *
 * <pre>{@code
 * PCollection<Row> totals = rows.apply(Aggregate.globally(Agg.count(), Agg.mean("price")));
 * PCollection<Row> spread = rows.apply(Aggregate.std("price"));
 * }</pre>
 *
 * <p>Where Ray returns a scalar or a dict, this returns a one-row PCollection. It is one {@link
 * Combine#globally} over the same composed CombineFn as {@link GroupBy}: partial combines before
 * the shuffle, and Beam's default value (the aggregates of no rows) when the input is empty.
 */
public final class Aggregate extends PTransform<PCollection<?>, PCollection<Row>> {
  private final List<Agg> aggregates;

  private Aggregate(List<Agg> aggregates) {
    this.aggregates = aggregates;
  }

  /** These aggregates over all rows, as one row. */
  public static Aggregate globally(Agg... aggregates) {
    return new Aggregate(Columns.requireAggregates("Aggregate.globally", List.of(), aggregates));
  }

  /** Ray's {@code ds.count()} as a one-row PCollection with the column {@code count()}. */
  public static Aggregate count() {
    return globally(Agg.count());
  }

  /** Ray's {@code ds.sum(on)}: one {@code sum(x)} column per given column. */
  public static Aggregate sum(String... columns) {
    return globally(GroupBy.each(columns, Agg::sum));
  }

  /** Ray's {@code ds.min(on)}. */
  public static Aggregate min(String... columns) {
    return globally(GroupBy.each(columns, Agg::min));
  }

  /** Ray's {@code ds.max(on)}. */
  public static Aggregate max(String... columns) {
    return globally(GroupBy.each(columns, Agg::max));
  }

  /** Ray's {@code ds.mean(on)}. */
  public static Aggregate mean(String... columns) {
    return globally(GroupBy.each(columns, Agg::mean));
  }

  /** Ray's {@code ds.std(on)}: sample standard deviation (ddof=1). */
  public static Aggregate std(String... columns) {
    return globally(GroupBy.each(columns, Agg::std));
  }

  @Override
  public PCollection<Row> expand(PCollection<?> input) {
    String where = Columns.describe("Aggregate.globally", aggregates);
    PCollection<Row> rows = Columns.asRows(input, where);
    AggregatesCombineFn combineFn = new AggregatesCombineFn(aggregates, rows.getSchema(), where);
    return rows
        .apply("Aggregate", Combine.globally(combineFn))
        .setRowSchema(combineFn.outputSchema());
  }
}
