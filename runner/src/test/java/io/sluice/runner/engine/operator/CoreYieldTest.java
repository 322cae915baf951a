package io.sluice.runner.engine.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoreYieldTest {
  @Test
  void tasksYieldWhileAnyAskerAsks() {
    CoreYield yield = new CoreYield(250_000);
    assertFalse(yield.isAsked());

    yield.ask(true);
    yield.ask(true);
    yield.ask(false);
    assertTrue(yield.isAsked(), "one of two askers still asks");

    yield.ask(false);
    assertFalse(yield.isAsked());
  }

  @Test
  void neverIgnoresAsking() {
    CoreYield.NEVER.ask(true);
    try {
      assertFalse(CoreYield.NEVER.isAsked(), "shared by every run without GPU actors: asking must not stick");
    } finally {
      CoreYield.NEVER.ask(false);
    }
  }

  @Test
  void aNegativeIntervalIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CoreYield(-1));
    assertTrue(e.getMessage().contains("intervalNanos"), e.getMessage());
  }
}
