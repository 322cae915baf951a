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
 */
public record Execution(ExecutionResources resources, ActorPoolConfig actorPool, int batchSize, int maxConcurrency) {
  public static final Execution DEFAULT = new Execution(ExecutionResources.cpus(1), null, 1, 0);
}
