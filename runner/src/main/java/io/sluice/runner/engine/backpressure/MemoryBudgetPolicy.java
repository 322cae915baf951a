package io.sluice.runner.engine.backpressure;

/**
 * Starts a task only if the outputs it is expected to add still fit in the operator's memory
 * budget (see MemoryAllocator): outputs waiting downstream, and those of its running tasks, count
 * against it. An operator holding nothing may always run, so a task whose output alone exceeds
 * the budget still makes progress (its consumer, or spilling, then deals with the excess).
 */
public final class MemoryBudgetPolicy implements BackpressurePolicy {
  @Override
  public boolean canStartTask(OperatorLoad operator) {
    long usage = operator.memoryUsageBytes();
    return usage == 0 || usage + operator.expectedTaskOutputBytes() <= operator.memoryBudgetBytes();
  }

  @Override
  public String name() {
    return "memory-budget";
  }
}
