package io.sluice.runner.engine.resource;

import java.util.Arrays;

/**
 * Divides a memory budget among operators as Ray Data's reservation allocator does: each operator
 * reserves an equal part of half the budget, so upstream producers can never take all of it and
 * starve the consumers that would free it; the other half is a shared pool, handed out
 * downstream-first, so data drains toward the end of the pipeline.
 */
public final class MemoryAllocator {
  /** The fraction of the budget split into per-operator reservations (Ray: op_resource_reservation_ratio). */
  public static final double RESERVATION_RATIO = 0.5;

  private MemoryAllocator() {}

  /**
   * Each operator's budget in bytes: what it holds or has reserved, whichever is more, plus its
   * share of what nobody holds.
   *
   * @param totalBytes the memory the operators' buffered outputs may take together; Long.MAX_VALUE
   *     for no limit
   * @param usageDownstreamFirst bytes each operator holds now (its queued and in-flight outputs),
   *     most downstream operator first
   * @return budgets, in the same order
   */
  public static long[] budgets(long totalBytes, long[] usageDownstreamFirst) {
    int n = usageDownstreamFirst.length;
    long[] budgets = new long[n];
    if (totalBytes == Long.MAX_VALUE) {
      Arrays.fill(budgets, Long.MAX_VALUE); // no budget: nothing to divide
      return budgets;
    }
    if (n == 0) {
      return budgets;
    }
    long reserved = (long) (totalBytes * RESERVATION_RATIO / n);
    long held = 0;
    for (long usage : usageDownstreamFirst) {
      held += Math.max(usage, reserved);
    }
    long free = Math.max(0, totalBytes - held);
    for (int i = 0; i < n; i++) {
      long share = free / (n - i);
      free -= share;
      budgets[i] = Math.max(usageDownstreamFirst[i], reserved) + share;
    }
    return budgets;
  }
}
