package io.sluice.runner.engine.scheduler;

/** Where a block's bytes live, each with a budget of its own. */
enum MemoryPool {
  HEAP,
  OFF_HEAP;

  /** This pool's part of {@code bytes}, of which {@code offHeapBytes} are off the heap. */
  long of(long bytes, long offHeapBytes) {
    return this == HEAP ? bytes - offHeapBytes : offHeapBytes;
  }
}
