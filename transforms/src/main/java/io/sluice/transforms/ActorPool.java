package io.sluice.transforms;

import io.sluice.runner.engine.actor.ActorPoolConfig;

/**
 * Long-lived actors for a class UDF, autoscaled between minSize and maxSize (Ray Data's
 * {@code ActorPoolStrategy}). Invalid sizes fail where the pool is built, naming the setting.
 */
public record ActorPool(ActorPoolConfig config) {
  /** min to max actors, starting with min, two batches in flight per actor. */
  public static ActorPool of(int minSize, int maxSize) {
    return new ActorPool(ActorPoolConfig.of(minSize, maxSize));
  }

  public ActorPool initial(int initialSize) {
    return new ActorPool(new ActorPoolConfig(config.minSize(), config.maxSize(), initialSize,
        config.maxTasksInFlightPerActor()));
  }

  public ActorPool maxInFlightPerActor(int tasks) {
    return new ActorPool(new ActorPoolConfig(config.minSize(), config.maxSize(), config.initialSize(), tasks));
  }
}
