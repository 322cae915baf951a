package io.sluice.runner.engine.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DownstreamQueueBytesPolicyTest {

  @Test
  void allowsWhileQueuedBytesAreBelowTheBudget() {
    DownstreamQueueBytesPolicy policy = new DownstreamQueueBytesPolicy(1000);

    assertTrue(policy.canStartTask(FakeLoad.queued(0)));
    assertTrue(policy.canStartTask(FakeLoad.queued(999)));
  }

  @Test
  void refusesAtOrAboveTheBudget() {
    DownstreamQueueBytesPolicy policy = new DownstreamQueueBytesPolicy(1000);

    assertFalse(policy.canStartTask(FakeLoad.queued(1000)));
    assertFalse(policy.canStartTask(FakeLoad.queued(5000)));
  }

  @Test
  void saysHowMuchWaitsAgainstWhichLimit() {
    assertEquals("downstream-queue-bytes: 2.0 KiB wait at its consumers, the limit is 1000 B (--maxQueuedBytesPerOperator)",
        new DownstreamQueueBytesPolicy(1000).whyHeldBack(FakeLoad.queued(2048)));
  }

  @Test
  void ignoresRunningTasks() {
    DownstreamQueueBytesPolicy policy = new DownstreamQueueBytesPolicy(1000);

    assertTrue(policy.canStartTask(new FakeLoad("op", 50, 1, 10)));
  }

  @Test
  void rejectsZeroBudget() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DownstreamQueueBytesPolicy(0));

    assertTrue(e.getMessage().contains("maxQueuedBytes"), e.getMessage());
  }

  @Test
  void rejectsNegativeBudget() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DownstreamQueueBytesPolicy(-1));

    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void hasAName() {
    assertEquals("downstream-queue-bytes", new DownstreamQueueBytesPolicy(1).name());
  }
}
