package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.Exchange;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.CombinePerKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

  /** One (key, window) accumulator on its way through the shuffle. */
  private record Partial(Object key, Object structuralKey, BoundedWindow window, Object accumulator) {}

  private record WindowedKey(Object structuralKey, BoundedWindow window) {}

  /** Accumulators are opaque here; charged a flat size for accounting. */
  private static final long BYTES_PER_PARTIAL = 64;

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

  @Override
  public Block[] partition(Block input) throws Exception {
    // Accumulators per window, then per structural key; elements almost always share one window
    // (the global one), so the last window's map is kept at hand.
    Map<BoundedWindow, Map<Object, Accumulating>> byWindow = new HashMap<>();
    runAsUserCode(() -> {
      BoundedWindow lastWindow = null;
      Map<Object, Accumulating> lastMap = null;
      for (Object element : ((RowBlock<?>) input).elements()) {
        @SuppressWarnings("unchecked")
        WindowedValue<KV<Object, Object>> value = (WindowedValue<KV<Object, Object>>) element;
        Object key = value.getValue().getKey();
        Object structuralKey = partitioner.structuralKey(key);
        Collection<? extends BoundedWindow> windows = value.getWindows();
        if (windows.size() == 1) {
          BoundedWindow window = windows instanceof List<?> list ? (BoundedWindow) list.get(0) : windows.iterator().next();
          if (window != lastWindow && !window.equals(lastWindow)) {
            lastWindow = window;
            lastMap = byWindow.computeIfAbsent(window, w -> new HashMap<>());
          }
          accumulate(lastMap, key, structuralKey, value.getValue().getValue());
        } else {
          for (BoundedWindow window : windows) {
            accumulate(byWindow.computeIfAbsent(window, w -> new HashMap<>()), key, structuralKey, value.getValue().getValue());
          }
        }
      }
    });
    @SuppressWarnings("unchecked")
    List<Partial>[] lists = new List[partitioner.partitions()];
    for (Map.Entry<BoundedWindow, Map<Object, Accumulating>> window : byWindow.entrySet()) {
      for (Map.Entry<Object, Accumulating> entry : window.getValue().entrySet()) {
        int p = partitioner.partitionOf(entry.getKey());
        if (lists[p] == null) {
          lists[p] = new ArrayList<>();
        }
        Accumulating accumulating = entry.getValue();
        lists[p].add(new Partial(accumulating.key, entry.getKey(), window.getKey(), accumulating.accumulator));
      }
    }
    Block[] blocks = new Block[lists.length];
    for (int p = 0; p < lists.length; p++) {
      if (lists[p] != null) {
        blocks[p] = new RowBlock<>(lists[p], BYTES_PER_PARTIAL * lists[p].size());
      }
    }
    return blocks;
  }

  private void accumulate(Map<Object, Accumulating> accumulators, Object key, Object structuralKey, Object input) {
    Accumulating accumulating = accumulators.get(structuralKey);
    if (accumulating == null) {
      accumulating = new Accumulating(key, fn.createAccumulator());
      accumulators.put(structuralKey, accumulating);
    }
    accumulating.accumulator = fn.addInput(accumulating.accumulator, input);
  }

  /** A key's running accumulator within one partition task; never leaves the task. */
  private static final class Accumulating {
    final Object key;
    Object accumulator;

    Accumulating(Object key, Object accumulator) {
      this.key = key;
      this.accumulator = accumulator;
    }
  }

  @Override
  public List<OutputBlock> reduce(int partition, List<Block> blocks) throws Exception {
    Map<WindowedKey, List<Partial>> grouped = new LinkedHashMap<>();
    for (Block block : blocks) {
      for (Object element : ((RowBlock<?>) block).elements()) {
        Partial partial = (Partial) element;
        grouped.computeIfAbsent(new WindowedKey(partial.structuralKey(), partial.window()), k -> new ArrayList<>()).add(partial);
      }
    }
    List<OutputBlock> outputs = new ArrayList<>();
    BlockBuilder builder = new BlockBuilder(0, spec.output().getCoder(), context.targetBlockRows(), outputs);
    runAsUserCode(() -> {
      for (List<Partial> partials : grouped.values()) {
        Partial first = partials.get(0);
        Object accumulator;
        if (partials.size() == 1) {
          accumulator = first.accumulator();
        } else {
          List<Object> accumulators = new ArrayList<>(partials.size());
          for (Partial partial : partials) {
            accumulators.add(partial.accumulator());
          }
          accumulator = fn.mergeAccumulators(accumulators);
        }
        BoundedWindow window = first.window();
        builder.add(WindowedValues.of(KV.of(first.key(), fn.extractOutput(accumulator)),
            window.maxTimestamp(), window, PaneInfo.ON_TIME_AND_ONLY_FIRING));
      }
    });
    builder.seal();
    return outputs;
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
