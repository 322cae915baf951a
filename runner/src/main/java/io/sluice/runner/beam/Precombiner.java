package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Folds {@code WindowedValue<KV<K, V>>} elements into one accumulator per (window, key): the map
 * side of a lifted combine. Not thread-safe; one per task. Elements almost always share one window
 * (the global one), so the last window's map is kept at hand.
 */
final class Precombiner {
  /** One (key, window) accumulator on its way through the shuffle. */
  record Partial(Object key, Object structuralKey, BoundedWindow window, Object accumulator) {}

  /** Accumulators are opaque: each partial is charged a flat size for accounting. */
  private static final long BYTES_PER_PARTIAL = 64;

  private final CombineFn<Object, Object, Object> fn;
  private final KeyPartitioner keys;
  private final Map<BoundedWindow, Map<Object, Accumulating>> byWindow = new HashMap<>();
  private BoundedWindow lastWindow;
  private Map<Object, Accumulating> lastMap;
  /** Keys seen per window in the last drained bundle: the next one is sized for as many. */
  private int expectedKeys = 16;

  Precombiner(CombineFn<Object, Object, Object> fn, KeyPartitioner keys) {
    this.fn = fn;
    this.keys = keys;
  }

  void add(WindowedValue<KV<Object, Object>> value) {
    Object key = value.getValue().getKey();
    Object structuralKey = keys.structuralKey(key);
    Collection<? extends BoundedWindow> windows = value.getWindows();
    if (windows.size() == 1) {
      BoundedWindow window = windows instanceof List<?> list ? (BoundedWindow) list.get(0) : windows.iterator().next();
      if (window != lastWindow && !window.equals(lastWindow)) {
        lastWindow = window;
        lastMap = byWindow.computeIfAbsent(window, w -> new HashMap<>(expectedKeys * 4 / 3 + 1));
      }
      accumulate(lastMap, key, structuralKey, value.getValue().getValue());
    } else {
      for (BoundedWindow window : windows) {
        accumulate(byWindow.computeIfAbsent(window, w -> new HashMap<>()), key, structuralKey, value.getValue().getValue());
      }
    }
  }

  boolean isEmpty() {
    return byWindow.isEmpty();
  }

  /**
   * Everything accumulated so far, split by key as this precombiner's partitioner splits keys (one
   * block per partition, null for none), then starts over.
   */
  Block[] drainByPartition() {
    return keys.split(drain(), Partial::structuralKey, BYTES_PER_PARTIAL);
  }

  /** Everything accumulated so far, then starts over. */
  private List<Partial> drain() {
    List<Partial> partials = new ArrayList<>();
    for (Map<Object, Accumulating> keys : byWindow.values()) {
      expectedKeys = Math.max(expectedKeys, keys.size());
    }
    for (Map.Entry<BoundedWindow, Map<Object, Accumulating>> window : byWindow.entrySet()) {
      for (Map.Entry<Object, Accumulating> entry : window.getValue().entrySet()) {
        Accumulating accumulating = entry.getValue();
        partials.add(new Partial(accumulating.key, entry.getKey(), window.getKey(), accumulating.accumulator));
      }
    }
    byWindow.clear();
    lastWindow = null;
    lastMap = null;
    return partials;
  }

  private void accumulate(Map<Object, Accumulating> accumulators, Object key, Object structuralKey, Object input) {
    Accumulating accumulating = accumulators.get(structuralKey);
    if (accumulating == null) {
      accumulating = new Accumulating(key, fn.createAccumulator());
      accumulators.put(structuralKey, accumulating);
    }
    accumulating.accumulator = fn.addInput(accumulating.accumulator, input);
  }

  /** A key's running accumulator; never leaves the task. */
  private static final class Accumulating {
    final Object key;
    Object accumulator;

    Accumulating(Object key, Object accumulator) {
      this.key = key;
      this.accumulator = accumulator;
    }
  }
}
