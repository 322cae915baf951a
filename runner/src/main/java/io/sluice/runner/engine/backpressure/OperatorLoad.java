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

  /** The part of {@link #downstreamQueuedBytes} held off the heap (Arrow buffers). */
  default long downstreamQueuedOffHeapBytes() {
    return 0;
  }

  /** What its outputs hold on the heap: queued downstream, plus what its running tasks are expected to add. */
  default long memoryUsageBytes() {
    return downstreamQueuedBytes() - downstreamQueuedOffHeapBytes()
        + runningTasks() * expectedTaskHeapBytes();
  }

  /** What its outputs hold off the heap, counted as {@link #memoryUsageBytes} counts the heap. */
  default long offHeapUsageBytes() {
    return downstreamQueuedOffHeapBytes() + runningTasks() * expectedTaskOffHeapBytes();
  }

  /** The output bytes one of its tasks has produced on average so far (0 before any finished). */
  default long expectedTaskOutputBytes() {
    return 0;
  }

  /** The part of {@link #expectedTaskOutputBytes} on the heap. */
  default long expectedTaskHeapBytes() {
    return expectedTaskOutputBytes() - expectedTaskOffHeapBytes();
  }

  /** The part of {@link #expectedTaskOutputBytes} held off the heap. */
  default long expectedTaskOffHeapBytes() {
    return 0;
  }

  /**
   * How long the consumer with the least work queued would take to work through its input queue,
   * at its measured pace and with the workers it has: {@link Long#MAX_VALUE} for one that has input
   * queued and has not done its first rows yet, and 0 when a consumer does not measure its pace or
   * waits for a side input.
   */
  default long downstreamQueuedWorkNanos() {
    return 0;
  }

  /** How long one of its tasks (or a piece of work of a task that goes on) has taken on average; 0 before any. */
  default long meanTaskNanos() {
    return 0;
  }

  /** The most its outputs may hold on the heap, as the run's memory allocator last decided. */
  default long memoryBudgetBytes() {
    return Long.MAX_VALUE;
  }

  /** The most its outputs may hold off the heap, as the run's memory allocator last decided. */
  default long offHeapBudgetBytes() {
    return Long.MAX_VALUE;
  }
}
