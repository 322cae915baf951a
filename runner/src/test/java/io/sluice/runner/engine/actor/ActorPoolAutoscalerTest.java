package io.sluice.runner.engine.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runner.engine.actor.ActorPoolAutoscaler.PoolState;
import org.junit.jupiter.api.Test;

/** The autoscaler's decisions, on a clock the test moves by hand. */
class ActorPoolAutoscalerTest {
  private static final long DELAY = 1_000;

  private static PoolState pool(int actors, int inFlight, int queued) {
    return new PoolState(actors, 0, inFlight, queued, true, false);
  }

  @Test
  void startsTheInitialActorsBeforeAnyInputAndTheMinimumAfterwards() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 8, 3, 2), DELAY);
    assertEquals(3, scaler.decide(new PoolState(0, 0, 0, 0, false, false), 0));
    assertEquals(1, scaler.decide(new PoolState(0, 0, 0, 0, true, false), 0));
  }

  @Test
  void scalesUpAboveOnePointSevenFiveWithABacklogAndNotBelow() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 8, 1, 2), DELAY);
    assertEquals(0, scaler.decide(pool(4, 6, 1), 0), "utilization 1.5: hold");
    assertEquals(1, scaler.decide(pool(4, 7, 1), 0), "utilization 1.75 and one block waiting: one more actor");
    assertEquals(0, scaler.decide(pool(4, 8, 0), 0), "fully busy but nothing waiting: hold");
  }

  @Test
  void largeBacklogAddsAsManyActorsAsItCanKeepBusyInOneStep() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 10, 1, 2), DELAY);
    assertEquals(5, scaler.decide(pool(2, 4, 10), 0), "10 waiting blocks, 2 per actor");
    assertEquals(8, scaler.decide(pool(2, 4, 100), 0), "capped at maxSize");
  }

  @Test
  void actorsStillStartingCountAgainstTheBacklog() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 10, 1, 2), DELAY);
    assertEquals(0, scaler.decide(new PoolState(4, 2, 4, 4, true, false), 0), "two starting actors take the 4 waiting");
    assertEquals(1, scaler.decide(new PoolState(4, 2, 4, 6, true, false), 0));
  }

  @Test
  void scalesDownOneActorPerDelayWhileUtilizationStaysBelowHalf() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 8, 1, 2), DELAY);
    assertEquals(0, scaler.decide(pool(4, 1, 0), 0), "low, but only just noticed");
    assertEquals(0, scaler.decide(pool(4, 1, 0), DELAY - 1));
    assertEquals(-1, scaler.decide(pool(4, 1, 0), DELAY));
    assertEquals(0, scaler.decide(pool(3, 1, 0), DELAY + 1), "the next step waits a whole delay again");
    assertEquals(-1, scaler.decide(pool(3, 1, 0), 2 * DELAY));
  }

  @Test
  void busyTurnInBetweenRestartsTheDownscaleDelay() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 8, 1, 2), DELAY);
    scaler.decide(pool(4, 1, 0), 0);
    scaler.decide(pool(4, 4, 0), DELAY / 2);
    assertEquals(0, scaler.decide(pool(4, 1, 0), DELAY));
    assertEquals(-1, scaler.decide(pool(4, 1, 0), 2 * DELAY));
  }

  @Test
  void neverScalesBelowTheMinimumWhileInputMayCome() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(2, 8, 2, 2), DELAY);
    scaler.decide(pool(2, 0, 0), 0);
    assertEquals(0, scaler.decide(pool(2, 0, 0), 10 * DELAY));
  }

  @Test
  void emptyPoolWithMinimumZeroStartsWhenInputArrives() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(0, 4, 0, 2), DELAY);
    assertEquals(0, scaler.decide(new PoolState(0, 0, 0, 0, false, false), 0), "no input yet: no actor");
    assertEquals(1, scaler.decide(pool(0, 0, 1), 0));
    assertEquals(3, scaler.decide(pool(0, 0, 5), 0), "5 waiting blocks need 3 actors");
  }

  @Test
  void exhaustedInputScalesToZeroWhateverTheMinimum() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(3, 8, 3, 2), DELAY);
    assertEquals(-5, scaler.decide(new PoolState(5, 0, 2, 0, true, true), 0));
    assertEquals(0, scaler.decide(new PoolState(0, 0, 0, 0, true, true), 0));
  }

  @Test
  void oneBlockInFlightPerActorScalesWhenEveryActorIsBusy() {
    ActorPoolAutoscaler scaler = new ActorPoolAutoscaler(new ActorPoolConfig(1, 4, 1, 1), DELAY);
    assertEquals(2, scaler.decide(pool(2, 2, 2), 0));
  }
}
