package io.sluice.transforms.split;

import io.sluice.transforms.order.EncodedHash;
import io.sluice.transforms.order.RandomShuffle;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * What Split, SplitProportionately and TrainTestSplit share: the elements put in a seeded
 * {@link RandomShuffle} order, counted, and cut into consecutive runs of positions, where the cut
 * points are a function of the count. Beam has no order to split by, so the shuffle supplies one
 * that is the same on every runner.
 */
final class PositionSplit<T> extends PTransform<PCollection<T>, PCollectionList<T>> {
  /** The positions where parts 1, 2, ... start, for a collection of {@code total} elements. */
  interface Cuts extends Serializable {
    long[] at(long total);
  }

  private final String transform;
  private final long seed;
  private final int parts;
  private final Cuts cuts;

  PositionSplit(String transform, long seed, int parts, Cuts cuts) {
    this.transform = transform;
    this.seed = seed;
    this.parts = parts;
    this.cuts = cuts;
  }

  @Override
  public PCollectionList<T> expand(PCollection<T> input) {
    if (!(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException(transform + " splits the whole collection, so its input must be in the "
          + "global window, but it is windowed by " + input.getWindowingStrategy().getWindowFn()
          + "; apply Window.into(new GlobalWindows()) first");
    }
    Coder<T> coder = input.getCoder();
    EncodedHash.requireDeterministic(transform, coder);
    PCollectionView<Long> total = input.apply("Count", Combine.globally(Count.<T>combineFn()).asSingletonView());
    List<TupleTag<T>> tags = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      tags.add(new TupleTag<>("part" + i));
    }
    PCollectionTuple routed = input
        .apply("Shuffle", RandomShuffle.withSeed(seed).<T>elements())
        .apply("Route", ParDo.of(new RouteFn<>(total, cuts, tags)).withSideInputs(total)
            .withOutputTags(tags.get(0), TupleTagList.of(new ArrayList<>(tags.subList(1, parts)))));
    PCollectionList<T> out = PCollectionList.empty(input.getPipeline());
    for (TupleTag<T> tag : tags) {
      out = out.and(routed.get(tag).setCoder(coder));
    }
    return out;
  }

  /** Sends each positioned element to the part its position falls in. */
  private static final class RouteFn<T> extends DoFn<KV<Long, T>, T> {
    private final PCollectionView<Long> total;
    private final Cuts cuts;
    private final List<TupleTag<T>> tags;
    private transient long cutsFor = -1;
    private transient long[] starts;

    RouteFn(PCollectionView<Long> total, Cuts cuts, List<TupleTag<T>> tags) {
      this.total = total;
      this.cuts = cuts;
      this.tags = tags;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      long count = context.sideInput(total);
      if (count != cutsFor) {
        starts = cuts.at(count);
        cutsFor = count;
      }
      long position = context.element().getKey();
      int low = 0;
      int high = starts.length;
      while (low < high) {
        int middle = (low + high) >>> 1;
        if (starts[middle] <= position) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      context.output(tags.get(low), context.element().getValue());
    }
  }
}
