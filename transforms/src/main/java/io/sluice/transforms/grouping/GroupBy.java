package io.sluice.transforms.grouping;

import io.sluice.transforms.ColumnNames;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.schemas.Schema;

/**
 * Ray Data's {@code ds.groupby(keys)}: groups the rows of a schema'd PCollection by the values of
 * one or more key columns, then either aggregates each group or maps it.
 *
 * <pre>{@code
 * PCollection<Row> stats = rows.apply(GroupBy.keys("user")
 *     .aggregate(Agg.count(), Agg.sum("bytes"), Agg.std("latency").as("latency_std")));
 * PCollection<Row> top = rows.apply(GroupBy.keys("user").mapGroups(new TopThree(), topSchema));
 * }</pre>
 *
 * <p>Null is a key value like any other: rows whose key is null form their own group. Beam groups
 * by encoded keys, so a key column must have a deterministic encoding: floating-point, map and
 * iterable columns are refused with a message saying so.
 */
public final class GroupBy {
  private final List<String> keys;

  private GroupBy(List<String> keys) {
    this.keys = keys;
  }

  /** Groups by these columns, in this order (they lead the output rows). */
  public static GroupBy keys(String... columns) {
    return new GroupBy(ColumnNames.requireDistinct("GroupBy.keys", "key column", columns));
  }

  /** The key columns. */
  public List<String> keyColumns() {
    return keys;
  }

  /**
   * Ray's {@code groupby(...).aggregate(...)}: one row per group, the key columns then one column
   * per aggregate. All aggregates run as one combine, partially before the shuffle.
   */
  public AggregateGroups aggregate(Agg... aggregates) {
    return new AggregateGroups(keys, Columns.requireAggregates("GroupBy.aggregate", keys, aggregates));
  }

  /**
   * Ray's {@code groupby(...).map_groups(fn)}: {@code fn} gets each group's key and all its rows
   * (whole input rows, key columns included) and returns rows of {@code outputSchema}. Every row of a
   * group is held at once, so a group must fit in a worker's memory.
   */
  public MapGroups mapGroups(MapGroups.GroupFn fn, Schema outputSchema) {
    return new MapGroups(keys, fn, outputSchema);
  }

  /** Ray's {@code groupby(...).count()}: rows per group, in the column {@code count()}. */
  public AggregateGroups count() {
    return aggregate(Agg.count());
  }

  /** Ray's {@code groupby(...).sum(on)}: one {@code sum(x)} column per given column. */
  public AggregateGroups sum(String... columns) {
    return aggregate(each(columns, Agg::sum));
  }

  /** Ray's {@code groupby(...).min(on)}. */
  public AggregateGroups min(String... columns) {
    return aggregate(each(columns, Agg::min));
  }

  /** Ray's {@code groupby(...).max(on)}. */
  public AggregateGroups max(String... columns) {
    return aggregate(each(columns, Agg::max));
  }

  /** Ray's {@code groupby(...).mean(on)}. */
  public AggregateGroups mean(String... columns) {
    return aggregate(each(columns, Agg::mean));
  }

  /** Ray's {@code groupby(...).std(on)}: sample standard deviation (ddof=1). */
  public AggregateGroups std(String... columns) {
    return aggregate(each(columns, Agg::std));
  }

  static Agg[] each(String[] columns, Function<String, Agg> aggregate) {
    if (columns == null || columns.length == 0) {
      throw new IllegalArgumentException("GroupBy/Aggregate shortcut: give at least one column");
    }
    return Arrays.stream(columns).map(aggregate).toArray(Agg[]::new);
  }
}
