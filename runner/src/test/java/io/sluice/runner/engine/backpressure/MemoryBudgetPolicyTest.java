package io.sluice.runner.engine.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryBudgetPolicyTest {
  /** Outputs partly off the heap (Arrow batches): totals, with their off-heap parts, and both budgets. */
  private record Load(int runningTasks, long downstreamQueuedBytes, long downstreamQueuedOffHeapBytes,
      long expectedTaskOutputBytes, long expectedTaskOffHeapBytes, long memoryBudgetBytes, long offHeapBudgetBytes)
      implements OperatorLoad {
    /** Outputs all on the heap; no off-heap budget. */
    static Load onTheHeap(int runningTasks, long downstreamQueuedBytes, long expectedTaskOutputBytes,
        long memoryBudgetBytes) {
      return new Load(runningTasks, downstreamQueuedBytes, 0, expectedTaskOutputBytes, 0, memoryBudgetBytes,
          Long.MAX_VALUE);
    }

    @Override
    public String name() {
      return "op";
    }

    @Override
    public int maxConcurrency() {
      return Integer.MAX_VALUE;
    }
  }

  private final MemoryBudgetPolicy policy = new MemoryBudgetPolicy();

  @Test
  void aTaskStartsWhileItsExpectedOutputFitsTheBudget() {
    assertTrue(policy.canStartTask(Load.onTheHeap(0, 600, 400, 1000)));
    assertFalse(policy.canStartTask(Load.onTheHeap(0, 601, 400, 1000)));
  }

  @Test
  void runningTasksCountWithTheOutputTheyAreExpectedToAdd() {
    assertTrue(policy.canStartTask(Load.onTheHeap(1, 200, 400, 1000)), "200 queued + 400 coming + 400 = 1000");
    assertFalse(policy.canStartTask(Load.onTheHeap(2, 200, 400, 1000)));
  }

  @Test
  void anOperatorHoldingNothingAlwaysRuns() {
    assertTrue(policy.canStartTask(Load.onTheHeap(0, 0, 5000, 1000)), "a task larger than the budget still runs");
  }

  @Test
  void offHeapOutputsCountAgainstTheOffHeapBudgetAndNotTheHeapBudget() {
    assertTrue(policy.canStartTask(new Load(1, 200, 200, 400, 400, 0, 1000)), "a heap budget of 0 holds nothing back");
    assertFalse(policy.canStartTask(new Load(2, 200, 200, 400, 400, 0, 1000)), "1,400 off-heap bytes exceed 1,000");
    assertTrue(policy.canStartTask(new Load(0, 0, 0, 5000, 5000, 0, 1000)), "holding nothing, it still runs");
  }

  @Test
  void heapOutputsAreHeldBackByTheHeapBudgetWhateverIsOffTheHeap() {
    // 900 on the heap of 1,000 queued, and 100 more coming: fits; 101 would not.
    assertTrue(policy.canStartTask(new Load(0, 1000, 100, 500, 400, 1000, Long.MAX_VALUE)));
    assertFalse(policy.canStartTask(new Load(0, 1001, 100, 500, 400, 1000, Long.MAX_VALUE)));
  }

  @Test
  void saysWhichBudgetHoldsTheOperatorBackWithItsFigures() {
    assertEquals("memory-budget: its outputs hold 1.0 KiB off the heap and a task adds about 512 B, over its share of "
            + "1.0 KiB (--offHeapMemoryBudget)",
        policy.whyHeldBack(new Load(0, 1024, 1024, 512, 512, Long.MAX_VALUE, 1024)));
    assertEquals("memory-budget: its outputs hold 2.0 KiB on the heap and a task adds about 1.0 KiB, over its share "
            + "of 2.5 KiB (--memoryBudget)",
        policy.whyHeldBack(new Load(0, 2048, 0, 1024, 0, 2560, Long.MAX_VALUE)));
  }

  @Test
  void nameIsShownInStallDiagnoses() {
    assertEquals("memory-budget", policy.name());
  }
}
