package io.sluice.transforms.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The one Arrow root allocator of the process, under which every allocator of the Arrow batch
 * format lives. One root, because Arrow hands buffers from one allocator to another without a
 * copy only within a root: that is how a UDF's output batch leaves its batch's allocator for the
 * one holding batches that SluiceRunner passes between columnar steps.
 */
public final class ArrowMemory {
  private static final RootAllocator ROOT = new RootAllocator();
  private static final BufferAllocator COLUMNAR_BLOCKS = ROOT.newChildAllocator("columnar blocks", 0, Long.MAX_VALUE);

  private ArrowMemory() {}

  /** A new allocator for one user (a UDF instance, say), which closes it. */
  static BufferAllocator newAllocator(String name) {
    return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
  }

  /** Holds the batches passed between columnar steps, each freed once its rows have been read. */
  static BufferAllocator columnarBlocks() {
    return COLUMNAR_BLOCKS;
  }

  /** Bytes held by batches passed between columnar steps now: none once every run has finished. */
  public static long columnarBlockBytes() {
    return COLUMNAR_BLOCKS.getAllocatedMemory();
  }
}
