package io.sluice.runner.engine.backpressure;

/**
 * Starts a task only if what it holds fits beside what running tasks hold, within the run's CPU,
 * GPU and memory limits. A task larger than the whole budget would then never run, so it may run
 * when nothing else does.
 */
public final class ResourceBudgetPolicy implements BackpressurePolicy {
  private final ResourceUsage usage;

  public ResourceBudgetPolicy(ResourceUsage usage) {
    this.usage = usage;
  }

  @Override
  public boolean canStartTask(OperatorLoad operator) {
    return usage.runningTasks() == 0 || usage.inUse().add(operator.taskResources()).fitsWithin(usage.limits());
  }

  @Override
  public String name() {
    return "resource-budget";
  }

  @Override
  public String whyHeldBack(OperatorLoad operator) {
    return name() + ": its task (" + operator.taskResources() + ") does not fit the free resources ("
        + usage.limits().subtract(usage.inUse()) + ")";
  }
}
