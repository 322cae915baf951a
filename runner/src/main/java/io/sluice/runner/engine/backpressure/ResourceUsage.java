package io.sluice.runner.engine.backpressure;

import io.sluice.runner.engine.resource.ExecutionResources;

/** What a run's tasks hold right now, against what they may hold: a read-only capability view. */
public interface ResourceUsage {
  ExecutionResources limits();

  ExecutionResources inUse();

  int runningTasks();
}
