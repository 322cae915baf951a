package io.sluice.runner.engine.block;

import java.util.Arrays;

/**
 * A producer's output already split the way its one consumer, an all-to-all operator, splits its
 * input: one part per partition, null where a partition gets nothing. The consumer places the parts
 * as they are, with no partition task of its own, as a shuffle's map side hands over its output
 * already partitioned.
 */
public final class PartitionedBlock implements Block {
  private final Block[] parts;
  private final int rows;
  private final long bytes;
  private final long offHeapBytes;

  public PartitionedBlock(Block[] parts) {
    this.parts = parts.clone();
    int rowCount = 0;
    long byteCount = 0;
    long offHeapByteCount = 0;
    for (Block part : parts) {
      if (part != null) {
        rowCount += part.rows();
        byteCount += part.bytes();
        offHeapByteCount += part.offHeapBytes();
      }
    }
    this.rows = rowCount;
    this.bytes = byteCount;
    this.offHeapBytes = offHeapByteCount;
  }

  public int partitions() {
    return parts.length;
  }

  /** One part per partition, null where a partition gets nothing. */
  public Block[] parts() {
    return parts.clone();
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public long offHeapBytes() {
    return offHeapBytes;
  }

  /** Its rows are spread over partitions: it goes whole to its consumer, which never slices it. */
  @Override
  public Block slice(int from, int to) {
    if (from == 0 && to == rows) {
      return this;
    }
    throw new UnsupportedOperationException("a partitioned block goes whole to the operator it was partitioned for");
  }

  @Override
  public void release() {
    for (Block part : parts) {
      if (part != null) {
        part.release();
      }
    }
  }

  @Override
  public String toString() {
    return "PartitionedBlock{parts=" + Arrays.toString(parts) + "}";
  }
}
