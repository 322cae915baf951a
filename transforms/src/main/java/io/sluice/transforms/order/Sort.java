package io.sluice.transforms.order;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code sort(key, descending)} as a portable Beam transform. A Beam collection has no
 * order, so the order is carried as data: each row comes out with a trailing INT64 column
 * ({@code row_index} unless renamed) holding its 0-based position in the sorted order.
 *
 * <pre>{@code
 * PCollection<Row> ranked = players.apply(Sort.by("score", "name").descending(true, false));
 * // every player, plus row_index: 0 for the highest score, ties by name A to Z
 * }</pre>
 *
 * <p>Order: numbers by value (floating point as {@link Double#compare}), strings by Unicode code
 * point, bytes unsigned-lexicographically, datetimes by instant, false before true, logical types
 * by their base value. Nulls come first ascending and last descending (a descending column is the
 * exact reverse of the ascending one). Rows equal on every sort column are ordered by their encoded
 * bytes (from the input's coder), so the index is the same on every runner; only rows that encode
 * identically (identical rows) share a tie, and which of them gets which index cannot be told apart.
 *
 * <p>It runs as a distributed sort, not on one worker: a sample of the keys gives range boundaries,
 * each row goes to its range, each range is sorted on its own and its positions offset by the sizes
 * of the ranges before it. {@link #withPartitions} sets the number of ranges (default: one per
 * 50,000 rows, at most 256). Each range is sorted in one worker's memory. The input must be in the
 * global window.
 */
public final class Sort extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** At most this many ranges: the sample (32 points per range) lives in one worker's memory. */
  public static final int MAX_PARTITIONS = 10_000;

  private final List<String> columns;
  private final List<Boolean> descending;
  private final String indexColumn;
  private final int partitions;

  private Sort(List<String> columns, List<Boolean> descending, String indexColumn, int partitions) {
    this.columns = columns;
    this.descending = descending;
    this.indexColumn = indexColumn;
    this.partitions = partitions;
  }

  /** Sorts ascending by these columns, the first deciding, each next one breaking the previous' ties. */
  public static Sort by(String... columns) {
    if (columns == null || columns.length == 0) {
      throw new IllegalArgumentException("Sort.by needs at least one column to sort by");
    }
    for (String column : columns) {
      if (column == null || column.isEmpty()) {
        throw new IllegalArgumentException("Sort.by: column names must be non-empty, got " + List.of(columns));
      }
    }
    if (new HashSet<>(List.of(columns)).size() != columns.length) {
      throw new IllegalArgumentException("Sort.by: a column is named twice in " + List.of(columns));
    }
    return new Sort(List.of(columns), Collections.nCopies(columns.length, false), IndexedRows.DEFAULT_INDEX_COLUMN, 0);
  }

  /** Sorts descending by every column. */
  public Sort descending() {
    return new Sort(columns, Collections.nCopies(columns.size(), true), indexColumn, partitions);
  }

  /** Per column, whether it sorts descending (Ray's {@code descending=[...]}); one flag per column. */
  public Sort descending(boolean... perColumn) {
    if (perColumn.length != columns.size()) {
      throw new IllegalArgumentException("Sort descending: give one flag per sort column " + columns + ", got "
          + perColumn.length);
    }
    List<Boolean> flags = new ArrayList<>();
    for (boolean flag : perColumn) {
      flags.add(flag);
    }
    return new Sort(columns, List.copyOf(flags), indexColumn, partitions);
  }

  /** Names the INT64 column holding each row's position (default {@code row_index}). */
  public Sort withIndexColumn(String name) {
    IndexedRows.requireIndexColumnName("Sort", name);
    return new Sort(columns, descending, name, partitions);
  }

  /** Sorts in this many key ranges, each in one worker's memory (default: sized from the row count). */
  public Sort withPartitions(int count) {
    requirePartitions("Sort", count);
    return new Sort(columns, descending, indexColumn, count);
  }

  static void requirePartitions(String transform, int count) {
    if (count < 1 || count > MAX_PARTITIONS) {
      throw new IllegalArgumentException(transform + " partitions must be between 1 and " + MAX_PARTITIONS
          + ", was " + count);
    }
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    String transform = "Sort";
    if (!input.hasSchema()) {
      throw new IllegalArgumentException(transform + " sorts rows by column: its input needs a schema "
          + "(e.g. Create.of(rows).withRowSchema(schema))");
    }
    RangeIndex.requireGlobalWindow(transform, input);
    Schema schema = input.getSchema();
    SortKeyEncoder keys = SortKeyEncoder.of(transform, schema, columns, descending);
    Schema output = IndexedRows.withIndexColumn(transform, schema, indexColumn);
    Coder<Row> rowCoder = input.getCoder();
    return input
        .apply("SortKeys", ParDo.of(new SortKeyFn(keys, rowCoder)))
        .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
        .apply("Position", new RangeIndex(partitions))
        .apply("Decode", ParDo.of(new DecodePositionedFn<>(rowCoder)))
        .setCoder(KvCoder.of(VarLongCoder.of(), rowCoder))
        .apply("AppendIndex", ParDo.of(new IndexedRows.AppendIndexFn(output)))
        .setRowSchema(output);
  }

  /** A row as (its sort key, its encoding): the entry RangeIndex orders. */
  private static final class SortKeyFn extends DoFn<Row, KV<byte[], byte[]>> {
    private final SortKeyEncoder keys;
    private final Coder<Row> rowCoder;

    SortKeyFn(SortKeyEncoder keys, Coder<Row> rowCoder) {
      this.keys = keys;
      this.rowCoder = rowCoder;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<byte[], byte[]>> out) throws Exception {
      out.output(KV.of(keys.encode(row), CoderUtils.encodeToByteArray(rowCoder, row)));
    }
  }
}
