package io.sluice.runner.engine.actor;

/**
 * Decides how many actors a pool should start or stop, from its utilization (blocks in flight per
 * actor) and its backlog, as Ray Data's default actor autoscaler does: up above 1.75, down below
 * 0.5. Unlike Ray's one-actor steps, a large backlog adds as many actors as it can keep busy at
 * once. Scaling down waits until utilization has stayed low for a while, so a pool does not flap
 * between blocks. Pure bookkeeping over a clock it is handed: tested with a fake one.
 */
public final class ActorPoolAutoscaler {
  static final double UPSCALE_UTILIZATION = 1.75;
  static final double DOWNSCALE_UTILIZATION = 0.5;

  /** What the pool looks like now. */
  public record PoolState(
      int actors, int startingActors, int tasksInFlight, int queuedInputs, boolean inputSeen, boolean inputFinished) {}

  private final ActorPoolConfig config;
  private final long downscaleDelayNanos;
  private long lowSinceNanos = -1;

  /** @param downscaleDelayNanos how long utilization must stay low before an actor is stopped */
  public ActorPoolAutoscaler(ActorPoolConfig config, long downscaleDelayNanos) {
    this.config = config;
    this.downscaleDelayNanos = downscaleDelayNanos;
  }

  /** Actors to start (positive) or stop (negative); the pool stops only idle ones. */
  public int decide(PoolState pool, long nowNanos) {
    if (pool.inputFinished() && pool.queuedInputs() == 0) {
      lowSinceNanos = -1;
      return -pool.actors(); // input exhausted: everything goes, whatever min says
    }
    int floor = pool.inputSeen() ? config.minSize() : config.initialSize();
    if (pool.actors() < floor) {
      lowSinceNanos = -1;
      return floor - pool.actors();
    }
    int room = config.maxSize() - pool.actors();
    // Blocks waiting beyond what starting actors will take as soon as they are up.
    int unclaimed = pool.queuedInputs() - pool.startingActors() * config.maxTasksInFlightPerActor();
    // Over the actors that are up: one still starting is neither busy nor idle yet.
    int ready = pool.actors() - pool.startingActors();
    double utilization = ready == 0 ? Double.POSITIVE_INFINITY : (double) pool.tasksInFlight() / ready;
    // With fewer than two blocks in flight per actor, "busy" means every slot taken.
    double upscaleAt = Math.min(UPSCALE_UTILIZATION, config.maxTasksInFlightPerActor());
    if (room > 0 && unclaimed > 0 && utilization >= upscaleAt) {
      lowSinceNanos = -1;
      int keepsBusy = (unclaimed + config.maxTasksInFlightPerActor() - 1) / config.maxTasksInFlightPerActor();
      return Math.min(room, keepsBusy);
    }
    boolean low = utilization < DOWNSCALE_UTILIZATION && pool.queuedInputs() == 0 && pool.startingActors() == 0
        && pool.actors() > config.minSize();
    if (!low) {
      lowSinceNanos = -1;
      return 0;
    }
    if (lowSinceNanos < 0) {
      lowSinceNanos = nowNanos;
    }
    if (nowNanos - lowSinceNanos >= downscaleDelayNanos) {
      lowSinceNanos = nowNanos; // one actor per delay: the next decision sees the smaller pool
      return -1;
    }
    return 0;
  }
}
