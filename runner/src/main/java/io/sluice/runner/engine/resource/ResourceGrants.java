package io.sluice.runner.engine.resource;

import java.util.List;

/**
 * Where an operator whose workers hold resources while they live (an actor pool) asks for them.
 * The executor implements it per operator, against the run's limits, the operator's GPU share and
 * the concrete devices still free.
 */
public interface ResourceGrants {
  /** Resources held and the devices they name. */
  record Grant(ExecutionResources resources, List<Integer> deviceIds) {
    public Grant {
      deviceIds = List.copyOf(deviceIds);
    }
  }

  /** A grant of {@code resources}, or null if they do not fit now. */
  Grant tryAcquire(ExecutionResources resources);

  void release(Grant grant);
}
