package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.Exchange;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.CombinePerKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * Combine.PerKey with combiner lifting: each input block is folded into one accumulator per (key,
 * window) before the shuffle, so only accumulators cross it; reduce merges them and extracts the
 * output. Used only where every (key, window) fires once at the end of its window (see the
 * translator), so the output is stamped like GroupByKey's on-time pane.
 */
final class CombinePerKeyExchange implements Exchange {
  private final CombinePerKeySpec spec;
  private final KeyPartitioner partitioner;
  private final CombineFn<Object, Object, Object> fn;
  private final OperatorContext context;

  @SuppressWarnings("unchecked")
  CombinePerKeyExchange(CombinePerKeySpec spec, int partitions, OperatorContext context) {
    this.spec = spec;
    this.context = context;
    this.partitioner = new KeyPartitioner(((KvCoder<?, ?>) spec.input().getCoder()).getKeyCoder(), partitions);
    this.fn = (CombineFn<Object, Object, Object>) SerializableUtils.clone(spec.fn());
  }

  @Override
  public int partitions() {
    return partitioner.partitions();
  }

  /** A fresh map-side accumulator for one task. */
  private Precombiner newPrecombiner() {
    return new Precombiner(fn, partitioner);
  }

  /**
   * Folds a block of raw elements into partials, split by key. A stage that pre-combines for this
   * exchange hands over its partials split already ({@code PartitionedBlock}), and they skip this.
   */
  @Override
  @SuppressWarnings("unchecked")
  public Block[] partition(Block input) throws Exception {
    Precombiner precombiner = newPrecombiner();
    runAsUserCode(() -> {
      for (Object element : ((RowBlock<?>) input).elements()) {
        precombiner.add((WindowedValue<KV<Object, Object>>) element);
      }
    });
    return precombiner.drainByPartition();
  }

  @Override
  public List<OutputBlock> reduce(int partition, List<Block> blocks) throws Exception {
    // Per window, then per structural key, as on the map side: no composite key per partial.
    Map<BoundedWindow, Map<Object, Merging>> byWindow = new LinkedHashMap<>();
    BoundedWindow lastWindow = null;
    Map<Object, Merging> lastMap = null;
    for (Block block : blocks) {
      for (Object element : ((RowBlock<?>) block).elements()) {
        Precombiner.Partial partial = (Precombiner.Partial) element;
        if (partial.window() != lastWindow && !partial.window().equals(lastWindow)) {
          lastWindow = partial.window();
          lastMap = byWindow.computeIfAbsent(lastWindow, w -> new LinkedHashMap<>());
        }
        Merging merging = lastMap.get(partial.structuralKey());
        if (merging == null) {
          lastMap.put(partial.structuralKey(), new Merging(partial.key(), partial.accumulator()));
        } else {
          merging.accumulators.add(partial.accumulator());
        }
      }
    }
    List<OutputBlock> outputs = new ArrayList<>();
    BlockBuilder builder = new BlockBuilder(0, spec.output().getCoder(), context.blockSize(), outputs);
    runAsUserCode(() -> {
      for (Map.Entry<BoundedWindow, Map<Object, Merging>> window : byWindow.entrySet()) {
        BoundedWindow w = window.getKey();
        for (Merging merging : window.getValue().values()) {
          Object accumulator = merging.accumulators.size() == 1
              ? merging.accumulators.get(0)
              : fn.mergeAccumulators(merging.accumulators);
          builder.add(WindowedValues.of(KV.of(merging.key, fn.extractOutput(accumulator)),
              w.maxTimestamp(), w, PaneInfo.ON_TIME_AND_ONLY_FIRING));
        }
      }
    });
    builder.seal();
    return outputs;
  }

  /** A key's accumulators from every map-side task, merged once all have arrived. */
  private static final class Merging {
    final Object key;
    final List<Object> accumulators = new ArrayList<>(4);

    Merging(Object key, Object first) {
      this.key = key;
      accumulators.add(first);
    }
  }

  /** Runs the user's CombineFn with the task's metrics container, naming the transform on failure. */
  private void runAsUserCode(Runnable work) throws Exception {
    try {
      context.metrics().runScoped(spec.name(), () -> {
        work.run();
        return null;
      });
    } catch (RuntimeException e) {
      throw TransformFailedException.attribute(spec.name(), e);
    }
  }

}
