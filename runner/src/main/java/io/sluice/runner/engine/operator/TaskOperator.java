package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.resource.ExecutionResources;

/**
 * Bookkeeping shared by operators that run tasks: the name, the concurrency cap, the tasks in
 * flight and the outputs not yet taken by the executor.
 */
abstract class TaskOperator implements PhysicalOperator {
  private final String name;
  private final int maxConcurrency;
  private final ExecutionResources taskResources;
  private final OutputQueue outputs = new OutputQueue();
  private int running;

  TaskOperator(String name, int maxConcurrency, ExecutionResources taskResources) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(name + ": maxConcurrency must be at least 1, was " + maxConcurrency);
    }
    this.name = name;
    this.maxConcurrency = maxConcurrency;
    this.taskResources = taskResources;
  }

  /** Counts {@code task} as running; every task handed to the executor goes through here. */
  final Task start(Task task) {
    running++;
    return task;
  }

  /** Handles a completed task's results; {@code running()} already excludes it. */
  abstract void completed(Task task);

  @Override
  public final void taskCompleted(Task task) {
    running--;
    completed(task);
  }

  @Override
  public final void taskFailed(Task task, Throwable error) {
    running--;
  }

  final int running() {
    return running;
  }

  final OutputQueue outputs() {
    return outputs;
  }

  /** No task in flight and no output waiting. */
  final boolean drained() {
    return running == 0 && outputs.isEmpty();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int maxConcurrency() {
    return maxConcurrency;
  }

  @Override
  public final ExecutionResources taskResources() {
    return taskResources;
  }

  @Override
  public final OutputBlock pollOutput() {
    return outputs.poll();
  }
}
