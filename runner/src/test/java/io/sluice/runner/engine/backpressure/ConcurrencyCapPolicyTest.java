package io.sluice.runner.engine.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConcurrencyCapPolicyTest {
  private final ConcurrencyCapPolicy policy = new ConcurrencyCapPolicy();

  @Test
  void allowsWhileBelowTheOperatorsCap() {
    assertTrue(policy.canStartTask(FakeLoad.running(0, 1)));
    assertTrue(policy.canStartTask(FakeLoad.running(2, 3)));
  }

  @Test
  void refusesAtTheCap() {
    assertFalse(policy.canStartTask(FakeLoad.running(1, 1)));
    assertFalse(policy.canStartTask(FakeLoad.running(3, 3)));
  }

  @Test
  void refusesAboveTheCap() {
    assertFalse(policy.canStartTask(FakeLoad.running(5, 3)));
  }

  @Test
  void saysHowManyTasksRunAgainstTheCap() {
    assertEquals("concurrency-cap: 3 of at most 3 tasks run", policy.whyHeldBack(FakeLoad.running(3, 3)));
  }

  @Test
  void ignoresQueuedBytes() {
    assertTrue(policy.canStartTask(new FakeLoad("op", 0, 1, Long.MAX_VALUE)));
  }

  @Test
  void unboundedOperatorIsNeverCapped() {
    assertTrue(policy.canStartTask(FakeLoad.running(1_000_000, Integer.MAX_VALUE)));
  }

  @Test
  void hasAName() {
    assertEquals("concurrency-cap", policy.name());
  }
}
