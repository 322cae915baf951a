package io.sluice.runner.engine.backpressure;

import io.sluice.runner.engine.resource.ExecutionResources;

/**
 * What a backpressure policy may see of an operator: a read-only capability view, so policies do
 * not depend on concrete operators or on the executor's internals.
 */
public interface OperatorLoad {
  String name();

  int runningTasks();

  int maxConcurrency();

  /** What one of its tasks holds while it runs. */
  default ExecutionResources taskResources() {
    return ExecutionResources.cpus(1);
  }

  /** Bytes waiting in the input queues of this operator's consumers: what it has produced but nobody took. */
  long downstreamQueuedBytes();

  /** What its outputs hold: queued downstream, plus what its running tasks are expected to add. */
  default long memoryUsageBytes() {
    return downstreamQueuedBytes() + runningTasks() * expectedTaskOutputBytes();
  }

  /** The output bytes one of its tasks has produced on average so far (0 before any finished). */
  default long expectedTaskOutputBytes() {
    return 0;
  }

  /** The most its outputs may hold, as the run's memory allocator last decided. */
  default long memoryBudgetBytes() {
    return Long.MAX_VALUE;
  }
}
