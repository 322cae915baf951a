package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.ResourceGrants;

/**
 * An operator whose workers hold resources for as long as they live, rather than per task: an
 * actor pool. The executor lets it resize every scheduling turn, granting what fits the run.
 */
public interface HoldsResources extends MeasuresRowCost {
  /** What one worker (actor) holds. */
  ExecutionResources workerResources();

  /**
   * Starts or stops workers as the operator sees fit, acquiring and releasing through {@code
   * grants}. Returns whether anything changed.
   */
  boolean rescale(ResourceGrants grants, long nowNanos);

  /** Workers alive now (starting, working or idle). */
  int workers();

  /**
   * Told each turn, before {@link #rescale}, whether another operator has a task waiting for CPUs
   * that this operator's running tasks hold. A worker that keeps its task going from bundle to
   * bundle should then let it end, so that the others get their turn rather than queue up output.
   */
  default void cpusWantedElsewhere(boolean wanted) {}
}
