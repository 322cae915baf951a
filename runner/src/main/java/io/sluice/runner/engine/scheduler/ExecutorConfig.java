package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.List;

/**
 * How an executor runs: the resources its tasks may hold at once, and the backpressure policies
 * every dispatch must pass.
 */
public record ExecutorConfig(
    ExecutionResources limits, List<BackpressurePolicy> policies, String threadNamePrefix) {
  public ExecutorConfig {
    if (limits.cpus() < 1) {
      throw new IllegalArgumentException("at least one CPU is needed, limits were " + limits);
    }
    policies = List.copyOf(policies);
  }

  int workerThreads() {
    return (int) Math.ceil(limits.cpus());
  }
}
