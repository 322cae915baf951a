package io.sluice.runner.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OperatorStatsTest {

  private static final long MS = 1_000_000L;

  @Test
  void summarySaysWhenTheOperatorWasActiveFromItsEarliestStartToItsLatestEnd() {
    OperatorStats stats = new OperatorStats("Parse");
    stats.taskFinished(5 * MS, 10 * MS); // 5-15 ms, reported first though it started later
    stats.taskFinished(2 * MS, 4 * MS); // 2-6 ms
    stats.taskFinished(7 * MS, 1 * MS); // 7-8 ms: inside the window

    String summary = stats.summary();

    assertTrue(summary.contains("3 tasks (0.015 s total, mean 5.0 ms, max 10.0 ms), active 2.0-15.0 ms;"), summary);
  }

  @Test
  void summarySaysHowManyTasksFailedAndRanAgainOnlyWhenAnyDid() {
    OperatorStats stats = new OperatorStats("Call service");
    stats.taskFinished(0, MS);
    assertFalse(stats.summary().contains("ran again"), stats.summary());

    stats.taskRetried();
    stats.taskRetried();

    assertTrue(stats.summary().contains("; 2 failed and ran again"), stats.summary());
  }

  @Test
  void summarySaysWhatPartOfTheOutputWasOffTheHeapOnlyWhenAnyWas() {
    OperatorStats stats = new OperatorStats("Embed");
    stats.emitted(10, 4096, 0);
    assertFalse(stats.summary().contains("off the heap"), stats.summary());

    stats.emitted(10, 2048, 2048);

    assertTrue(stats.summary().contains("out 2 blocks, 20 rows, 6.0 KiB (2.0 KiB off the heap);"), stats.summary());
  }

  @Test
  void anOperatorThatRanNoTaskHasNoActiveWindow() {
    String summary = new OperatorStats("Materialize").summary();

    assertFalse(summary.contains("active"), summary);
    assertTrue(summary.contains("0 tasks"), summary);
  }
}
