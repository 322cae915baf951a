package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.CollectingSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.core.InMemoryMultimapSideInputView;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Materializations;
import org.apache.beam.sdk.transforms.ViewFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Side inputs read from collections materialised before their readers start. Each view's contents
 * are grouped by window once, on first use; each (view, window) value is computed once and shared,
 * since ViewFn results are immutable.
 */
final class MaterializedSideInputs implements SideInputReader {
  private final Map<PCollectionView<?>, CollectingSink> sinks;
  /** Views as the ParDo declared them: those handed back by the DoFn runner may lack their collection. */
  private final Map<TupleTag<?>, PCollectionView<?>> declared = new HashMap<>();
  private final Map<PCollectionView<?>, Map<BoundedWindow, List<Object>>> byWindow = new ConcurrentHashMap<>();
  private final Map<PCollectionView<?>, Map<BoundedWindow, Object>> values = new ConcurrentHashMap<>();

  MaterializedSideInputs(Map<PCollectionView<?>, CollectingSink> sinks) {
    this.sinks = sinks;
    for (PCollectionView<?> view : sinks.keySet()) {
      declared.put(view.getTagInternal(), view);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(PCollectionView<T> view, BoundedWindow mainWindow) {
    BoundedWindow window = view.getWindowMappingFn().getSideInputWindow(mainWindow);
    return (T) values
        .computeIfAbsent(view, v -> new ConcurrentHashMap<>())
        .computeIfAbsent(window, w -> compute(view, w));
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return sinks.containsKey(view);
  }

  @Override
  public boolean isEmpty() {
    return sinks.isEmpty();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object compute(PCollectionView<?> requested, BoundedWindow window) {
    PCollectionView<?> view = declared.getOrDefault(requested.getTagInternal(), requested);
    List<Object> elements = groupedByWindow(view).getOrDefault(window, List.of());
    ViewFn viewFn = view.getViewFn();
    String urn = viewFn.getMaterialization().getUrn();
    if (Materializations.ITERABLE_MATERIALIZATION_URN.equals(urn)) {
      return viewFn.apply((Materializations.IterableView) () -> elements);
    }
    if (Materializations.MULTIMAP_MATERIALIZATION_URN.equals(urn)) {
      Coder<Object> keyCoder = (Coder<Object>) ((KvCoder<?, ?>) view.getPCollection().getCoder()).getKeyCoder();
      return viewFn.apply(InMemoryMultimapSideInputView.fromIterable(keyCoder, (Iterable<KV<Object, Object>>) (Iterable) elements));
    }
    throw new UnsupportedOperationException("side input materialization " + urn + " is not supported");
  }

  private Map<BoundedWindow, List<Object>> groupedByWindow(PCollectionView<?> view) {
    return byWindow.computeIfAbsent(view, v -> {
      Map<BoundedWindow, List<Object>> grouped = new HashMap<>();
      CollectingSink sink = sinks.get(v);
      if (sink == null) {
        throw new IllegalArgumentException("side input " + v + " was not materialised for this operator");
      }
      for (Block block : sink.blocks()) {
        for (Object element : ((RowBlock<?>) block).elements()) {
          WindowedValue<?> value = (WindowedValue<?>) element;
          Collection<? extends BoundedWindow> windows = value.getWindows();
          for (BoundedWindow w : windows) {
            grouped.computeIfAbsent(w, k -> new ArrayList<>()).add(value.getValue());
          }
        }
      }
      return grouped;
    });
  }
}
