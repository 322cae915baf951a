package io.sluice.runner.beam;

import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Collects the elements a task emits on one port into blocks of a target row count. The byte size
 * of a block is estimated by encoding one sample element per block, never every element.
 */
final class BlockBuilder implements PortWriter {
  /** Charged per element for the WindowedValue wrapper, its windows and object headers. */
  private static final long PER_ELEMENT_OVERHEAD = 48;
  /** Caps the up-front allocation when blocks are configured very large. */
  private static final int MAX_PRESIZED_ROWS = 16_384;

  private final int port;
  private final Coder<Object> coder;
  private final int targetRows;
  private final List<OutputBlock> sealed;
  private List<WindowedValue<?>> current;

  @SuppressWarnings("unchecked")
  BlockBuilder(int port, Coder<?> coder, int targetRows, List<OutputBlock> sealed) {
    this.port = port;
    this.coder = (Coder<Object>) coder;
    this.targetRows = targetRows;
    this.sealed = sealed;
    // Sized for a full block up front: growing a list of thousands by copying showed in profiles.
    this.current = new ArrayList<>(Math.min(targetRows, MAX_PRESIZED_ROWS));
  }

  @Override
  public void add(WindowedValue<?> element) {
    current.add(element);
    if (current.size() >= targetRows) {
      seal();
    }
  }

  @Override
  public void seal() {
    if (current.isEmpty()) {
      return;
    }
    int rows = current.size();
    sealed.add(new OutputBlock(port, block(current, coder)));
    current = new ArrayList<>(rows); // the next block is likely as large: no regrowth on the way
  }

  static RowBlock<WindowedValue<?>> block(List<WindowedValue<?>> elements, Coder<Object> coder) {
    return new RowBlock<>(elements, elements.size() * (PER_ELEMENT_OVERHEAD + sampleSize(elements, coder)));
  }

  private static long sampleSize(List<WindowedValue<?>> elements, Coder<Object> coder) {
    if (elements.isEmpty() || coder == null) {
      return 0;
    }
    try {
      return CoderUtils.encodeToByteArray(coder, elements.get(0).getValue()).length;
    } catch (Exception | LinkageError e) {
      return 64; // an element its coder cannot encode still has to be accounted for somehow
    }
  }
}
