package io.sluice.runner.engine.block;

/**
 * The unit of queueing, accounting and (later) spilling: an immutable batch of rows with a known
 * size. Row blocks hold plain objects; columnar blocks hold Arrow batches.
 */
public interface Block {
  int rows();

  /** Size in bytes: exact for buffers, an estimate for objects. */
  long bytes();

  /**
   * The part of {@link #bytes} held outside the heap (Arrow buffers), which counts against the
   * run's off-heap budget rather than its heap budget.
   */
  default long offHeapBytes() {
    return 0;
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive), sharing this block's data. */
  Block slice(int from, int to);

  /**
   * Says that this block's rows will not be read again (consumed, dropped or spilled), so that
   * memory held outside the heap can be freed. Each block, or each slice cut from it, is released
   * once; a no-op for blocks of plain objects, which the garbage collector frees.
   */
  default void release() {}
}
