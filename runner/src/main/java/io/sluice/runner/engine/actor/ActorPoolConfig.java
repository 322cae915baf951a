package io.sluice.runner.engine.actor;

/**
 * How an actor pool is sized: Ray Data's {@code ActorPoolStrategy(min_size, max_size,
 * initial_size, max_tasks_in_flight_per_actor)}.
 *
 * @param minSize actors kept while input may still come (0 allowed: the pool starts when input does)
 * @param maxSize at most this many actors
 * @param initialSize actors started before the first input arrives
 * @param maxTasksInFlightPerActor blocks an actor may hold at once: the one it works on plus the
 *     ones queued behind it, so it never waits for the scheduler between blocks
 */
public record ActorPoolConfig(int minSize, int maxSize, int initialSize, int maxTasksInFlightPerActor) {
  public ActorPoolConfig {
    if (minSize < 0) {
      throw new IllegalArgumentException("actor pool minSize must be >= 0, was " + minSize);
    }
    if (maxSize < 1 || maxSize < minSize) {
      throw new IllegalArgumentException(
          "actor pool maxSize must be >= 1 and >= minSize (" + minSize + "), was " + maxSize);
    }
    if (initialSize < minSize || initialSize > maxSize) {
      throw new IllegalArgumentException("actor pool initialSize must lie between minSize (" + minSize
          + ") and maxSize (" + maxSize + "), was " + initialSize);
    }
    if (maxTasksInFlightPerActor < 1) {
      throw new IllegalArgumentException(
          "actor pool maxTasksInFlightPerActor must be >= 1, was " + maxTasksInFlightPerActor);
    }
  }

  /** min to max actors, starting at min, two blocks in flight per actor as in Ray. */
  public static ActorPoolConfig of(int minSize, int maxSize) {
    return new ActorPoolConfig(minSize, maxSize, minSize, 2);
  }
}
