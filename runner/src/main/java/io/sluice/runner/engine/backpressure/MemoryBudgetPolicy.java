package io.sluice.runner.engine.backpressure;

import io.sluice.runner.engine.block.ByteSizes;

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
    return fitsOnTheHeap(operator) && fitsOffTheHeap(operator);
  }

  private static boolean fitsOnTheHeap(OperatorLoad operator) {
    return fits(operator.memoryUsageBytes(), operator.expectedTaskHeapBytes(), operator.memoryBudgetBytes());
  }

  private static boolean fitsOffTheHeap(OperatorLoad operator) {
    return fits(operator.offHeapUsageBytes(), operator.expectedTaskOffHeapBytes(), operator.offHeapBudgetBytes());
  }

  private static boolean fits(long usage, long next, long budget) {
    return usage == 0 || usage + next <= budget;
  }

  @Override
  public String whyHeldBack(OperatorLoad operator) {
    if (!fitsOffTheHeap(operator)) {
      return explain("off the heap", operator.offHeapUsageBytes(), operator.expectedTaskOffHeapBytes(),
          operator.offHeapBudgetBytes(), "--offHeapMemoryBudget");
    }
    return explain("on the heap", operator.memoryUsageBytes(), operator.expectedTaskHeapBytes(),
        operator.memoryBudgetBytes(), "--memoryBudget");
  }

  private String explain(String where, long usage, long next, long budget, String option) {
    return String.format("%s: its outputs hold %s %s and a task adds about %s, over its share of %s (%s)",
        name(), ByteSizes.format(usage), where, ByteSizes.format(next), ByteSizes.format(budget), option);
  }

  @Override
  public String name() {
    return "memory-budget";
  }
}
