package io.sluice.runner.engine.backpressure;

/**
 * Starts a task only if the outputs it is expected to add still fit in the operator's memory
 * budgets (see MemoryAllocator), on the heap and off it (Arrow buffers) alike: outputs waiting
 * downstream, and those of its running tasks, count against them. An operator holding nothing in a
 * budget may always add to it, so a task whose output alone exceeds the budget still makes progress
 * (its consumer, or spilling, then deals with the excess).
 */
public final class MemoryBudgetPolicy implements BackpressurePolicy {
  @Override
  public boolean canStartTask(OperatorLoad operator) {
    long offHeapNext = operator.expectedTaskOffHeapBytes();
    return fits(operator.memoryUsageBytes(), operator.expectedTaskOutputBytes() - offHeapNext, operator.memoryBudgetBytes())
        && fits(operator.offHeapUsageBytes(), offHeapNext, operator.offHeapBudgetBytes());
  }

  private static boolean fits(long usage, long next, long budget) {
    return usage == 0 || usage + next <= budget;
  }

  @Override
  public String name() {
    return "memory-budget";
  }
}
