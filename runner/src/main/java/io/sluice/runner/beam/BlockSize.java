package io.sluice.runner.beam;

/**
 * How large the blocks a task emits may grow: whichever limit comes first. Rows keep per-block
 * overhead low for small elements; bytes keep large elements (images, tensors) from making blocks
 * that alone fill a memory budget.
 */
public record BlockSize(int rows, long bytes) {
  public BlockSize {
    if (rows < 1 || bytes < 1) {
      throw new IllegalArgumentException("block size limits must be positive: rows=" + rows + ", bytes=" + bytes);
    }
  }
}
