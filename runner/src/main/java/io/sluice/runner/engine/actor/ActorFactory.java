package io.sluice.runner.engine.actor;

import java.util.List;

/** Starts an actor (the user's setup runs here, on a worker thread). */
public interface ActorFactory {
  /**
   * @param actorIndex distinct among this pool's actors over the run
   * @param deviceIds the GPU devices the actor holds (empty without GPUs)
   */
  Actor start(int actorIndex, List<Integer> deviceIds) throws Exception;
}
