package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.List;

/**
 * How an executor runs: the resources its tasks may hold at once, and the backpressure policies
 * every dispatch must pass.
 */
public record ExecutorConfig(
    ExecutionResources limits, int workerThreads, List<BackpressurePolicy> policies, String threadNamePrefix) {
  public ExecutorConfig {
    if (workerThreads < 1) {
      throw new IllegalArgumentException("at least one worker thread is needed, was " + workerThreads);
    }
    policies = List.copyOf(policies);
  }

  /** One worker thread per whole CPU of the limits (at least one). */
  public ExecutorConfig(ExecutionResources limits, List<BackpressurePolicy> policies, String threadNamePrefix) {
    this(limits, threadsFor(limits), policies, threadNamePrefix);
  }

  private static int threadsFor(ExecutionResources limits) {
    if (limits.cpus() < 1) {
      throw new IllegalArgumentException("at least one CPU is needed, limits were " + limits);
    }
    return (int) Math.ceil(limits.cpus());
  }
}
