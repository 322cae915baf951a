package io.sluice.runner.engine.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QueuedWorkPolicyTest {
  private static final long MILLI = 1_000_000L;
  private final QueuedWorkPolicy halfASecond = new QueuedWorkPolicy(500 * MILLI);

  /** A producer whose consumers have {@code queuedWorkNanos} of work waiting; its tasks took {@code meanTaskNanos}. */
  private record Producer(long downstreamQueuedWorkNanos, long meanTaskNanos) implements OperatorLoad {
    @Override
    public String name() {
      return "read";
    }

    @Override
    public int runningTasks() {
      return 1;
    }

    @Override
    public int maxConcurrency() {
      return 2;
    }

    @Override
    public long downstreamQueuedBytes() {
      return 1 << 20; // bytes say nothing here: the same queue may be a second of work or a microsecond
    }
  }

  @Test
  void allowsWhileTheConsumersHaveLessWorkQueuedThanTheLead() {
    assertTrue(halfASecond.canStartTask(new Producer(0, 10 * MILLI)));
    assertTrue(halfASecond.canStartTask(new Producer(499 * MILLI, 10 * MILLI)));
  }

  @Test
  void holdsTheProducerBackOnceTheyHaveEnough() {
    assertFalse(halfASecond.canStartTask(new Producer(500 * MILLI, 10 * MILLI)));
    assertFalse(halfASecond.canStartTask(new Producer(5_000 * MILLI, 10 * MILLI)));
  }

  @Test
  void aSlowProducerKeepsTwoOfItsTasksOfWorkQueued() {
    // Its next task takes 2 s: half a second queued would leave the consumers idle for most of it.
    assertTrue(halfASecond.canStartTask(new Producer(3_000 * MILLI, 2_000 * MILLI)));
    assertFalse(halfASecond.canStartTask(new Producer(4_000 * MILLI, 2_000 * MILLI)));
  }

  @Test
  void consumersThatHaveNotMeasuredTheirPaceHoldItBackUntilTheyHave() {
    assertFalse(halfASecond.canStartTask(new Producer(Long.MAX_VALUE, 0)));
  }

  @Test
  void saysHowMuchWorkWaitsAndWhichOptionSetsTheLead() {
    assertEquals("queued-work: its consumers have 800 ms of work queued, enough for 500 ms (--queuedWorkMillis, "
        + "or 2 of its own tasks)", halfASecond.whyHeldBack(new Producer(800 * MILLI, 10 * MILLI)));
    assertEquals("queued-work: its consumers have 800 ms of work queued, enough for 600 ms (--queuedWorkMillis, "
        + "or 2 of its own tasks)", halfASecond.whyHeldBack(new Producer(800 * MILLI, 300 * MILLI)));
    assertEquals("queued-work: its consumers have input queued and have not yet measured how long a row takes them "
        + "(--queuedWorkMillis)", halfASecond.whyHeldBack(new Producer(Long.MAX_VALUE, 0)));
  }

  @Test
  void rejectsALeadThatIsNotPositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QueuedWorkPolicy(0));

    assertTrue(e.getMessage().contains("positive"), e.getMessage());
  }

  @Test
  void hasAName() {
    assertEquals("queued-work", halfASecond.name());
  }
}
