package io.sluice.transforms.order;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Gives each (key, encoded element) entry its 0-based position in {@link EntryOrder}, by
 * sample-based range partitioning rather than one worker sorting everything:
 *
 * <ol>
 *   <li>a {@link RangeSample} of the entries, combined into one list of range boundaries (a
 *       singleton side input);
 *   <li>each entry keyed by the range it falls in, and the ranges counted (a map side input);
 *   <li>a GroupByKey per range, each range sorted locally, and a position made global by adding the
 *       sizes of the ranges before it.
 * </ol>
 *
 * <p>The positions depend only on the entries, never on the sample or the runner. The output is
 * (position, encoded element). Every range's row count goes to the {@value #PARTITION_ROWS}
 * distribution, so skew shows in the run's metrics.
 */
final class RangeIndex extends PTransform<PCollection<KV<byte[], byte[]>>, PCollection<KV<Long, byte[]>>> {
  static final String PARTITION_ROWS = "partitionRows";

  /** Requested ranges, or 0 to size them from the row count. */
  private final int partitions;

  RangeIndex(int partitions) {
    this.partitions = partitions;
  }

  /** Ordering is global: it needs all elements in one (the global) window. */
  static void requireGlobalWindow(String transform, PCollection<?> input) {
    if (!(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException(transform + " orders the whole collection, so its input must be in the "
          + "global window, but it is windowed by " + input.getWindowingStrategy().getWindowFn()
          + "; apply Window.into(new GlobalWindows()) first");
    }
  }

  @Override
  public PCollection<KV<Long, byte[]>> expand(PCollection<KV<byte[], byte[]>> entries) {
    PCollectionView<List<KV<byte[], byte[]>>> boundaries = entries
        .apply("SampleBoundaries", Combine.globally(new RangeSample(partitions)).asSingletonView());
    PCollection<KV<Integer, KV<byte[], byte[]>>> ranged = entries
        .apply("AssignRanges", ParDo.of(new AssignRangeFn(boundaries)).withSideInputs(boundaries))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of())));
    PCollectionView<Map<Integer, Long>> rangeSizes = ranged
        .apply("CountRanges", Count.perKey())
        .apply("RangeSizes", View.asMap());
    return ranged
        .apply("GroupRanges", GroupByKey.create())
        .apply("SortRanges", ParDo.of(new SortRangeFn(rangeSizes)).withSideInputs(rangeSizes))
        .setCoder(KvCoder.of(VarLongCoder.of(), ByteArrayCoder.of()));
  }

  /** Keys an entry by the number of boundaries at or below it. */
  private static final class AssignRangeFn extends DoFn<KV<byte[], byte[]>, KV<Integer, KV<byte[], byte[]>>> {
    private final PCollectionView<List<KV<byte[], byte[]>>> boundaries;

    AssignRangeFn(PCollectionView<List<KV<byte[], byte[]>>> boundaries) {
      this.boundaries = boundaries;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      List<KV<byte[], byte[]>> cuts = context.sideInput(boundaries);
      KV<byte[], byte[]> entry = context.element();
      int low = 0;
      int high = cuts.size();
      while (low < high) {
        int middle = (low + high) >>> 1;
        if (EntryOrder.compare(cuts.get(middle), entry) <= 0) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      context.output(KV.of(low, entry));
    }
  }

  /** Sorts one range in memory and numbers it from the count of all entries in earlier ranges. */
  private static final class SortRangeFn extends DoFn<KV<Integer, Iterable<KV<byte[], byte[]>>>, KV<Long, byte[]>> {
    private final Distribution rangeRows = Metrics.distribution(RangeIndex.class, PARTITION_ROWS);
    private final PCollectionView<Map<Integer, Long>> rangeSizes;

    SortRangeFn(PCollectionView<Map<Integer, Long>> rangeSizes) {
      this.rangeSizes = rangeSizes;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      int range = context.element().getKey();
      Map<Integer, Long> sizes = context.sideInput(rangeSizes);
      long offset = 0;
      for (Map.Entry<Integer, Long> size : sizes.entrySet()) {
        if (size.getKey() < range) {
          offset += size.getValue();
        }
      }
      List<KV<byte[], byte[]>> entries = new ArrayList<>();
      context.element().getValue().forEach(entries::add);
      Long expected = sizes.get(range);
      if (expected == null || expected != entries.size()) {
        throw new IllegalStateException("range " + range + " was counted with " + expected + " entries but grouped "
            + entries.size() + "; the runner delivered a different input to the count and the grouping");
      }
      entries.sort(EntryOrder.ENTRIES);
      rangeRows.update(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        context.output(KV.of(offset + i, entries.get(i).getValue()));
      }
    }
  }
}
