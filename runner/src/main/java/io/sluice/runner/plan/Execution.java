package io.sluice.runner.plan;

import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.resource.ExecutionResources;

/**
 * How a ParDo wants to run, from its Beam resource hints and Sluice's own.
 *
 * @param resources what one task (or actor) holds
 * @param actorPool the pool an ActorPoolHint asked for, or null
 * @param batchSize the batch size a BatchSizeHint declared; 1 without one
 * @param maxConcurrency tasks that may run at once (Beam's max_active_bundles_per_worker hint); 0: no cap
 * @param columnar whether it can take whole columnar batches ({@code ColumnarDoFn}); the plan runs it so
 *     unless the run turns columnar batches off
 */
public record Execution(ExecutionResources resources, ActorPoolConfig actorPool, int batchSize, int maxConcurrency,
    boolean columnar) {
  /** Tasks holding {@code resources}, with no pool, batch size or cap of their own. */
  public static Execution of(ExecutionResources resources) {
    return new Execution(resources, null, 1, 0, false);
  }

  /**
   * Whether it runs on long-lived actors holding its resources rather than on tasks: asked for
   * with an actor pool hint, or implied by a GPU request (a model is loaded once per device).
   */
  public boolean runsOnActors() {
    return actorPool != null || resources.gpus() > 0;
  }

  /** What steps fused into one stage must share: resources, pool and cap (not batch sizes, nor columnar ability). */
  public Execution sharedByFusedSteps() {
    return new Execution(resources, actorPool, 1, maxConcurrency, false);
  }
}
