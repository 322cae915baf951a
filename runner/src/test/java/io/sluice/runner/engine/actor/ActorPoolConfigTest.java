package io.sluice.runner.engine.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ActorPoolConfigTest {
  @Test
  void invalidSizesNameTheSettingAndTheBound() {
    assertMessage("minSize must be >= 0", () -> new ActorPoolConfig(-1, 2, 0, 2));
    assertMessage("maxSize must be >= 1 and >= minSize (3)", () -> new ActorPoolConfig(3, 2, 2, 2));
    assertMessage("maxSize must be >= 1", () -> new ActorPoolConfig(0, 0, 0, 2));
    assertMessage("initialSize must lie between minSize (1) and maxSize (4)", () -> new ActorPoolConfig(1, 4, 5, 2));
    assertMessage("maxTasksInFlightPerActor must be >= 1", () -> new ActorPoolConfig(1, 4, 1, 0));
  }

  @Test
  void ofStartsAtTheMinimumWithTwoBlocksInFlight() {
    assertEquals(new ActorPoolConfig(0, 4, 0, 2), ActorPoolConfig.of(0, 4));
    assertEquals(new ActorPoolConfig(2, 4, 2, 2), ActorPoolConfig.of(2, 4));
  }

  private static void assertMessage(String expected, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
