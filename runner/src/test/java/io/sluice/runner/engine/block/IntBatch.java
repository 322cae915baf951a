package io.sluice.runner.engine.block;

import java.util.List;

/** A stand-in for an Arrow batch in engine tests: integers, counted as {@code bytes} held off the heap. */
public record IntBatch(List<Integer> values, long bytes) implements ColumnarBlock.Batch {
  /** A block over a new batch of {@code values}. */
  public static ColumnarBlock offHeapBlock(List<Integer> values, long bytes) {
    return new ColumnarBlock(new IntBatch(List.copyOf(values), bytes));
  }

  /** The values of {@code block}'s rows. */
  public static List<Integer> valuesOf(ColumnarBlock block) {
    return ((IntBatch) block.batch()).values().subList(block.from(), block.to());
  }

  @Override
  public int rows() {
    return values.size();
  }

  @Override
  public void close() {}
}
