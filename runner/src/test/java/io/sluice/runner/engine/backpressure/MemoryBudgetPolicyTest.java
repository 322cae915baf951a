package io.sluice.runner.engine.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryBudgetPolicyTest {
  private record Load(int runningTasks, long downstreamQueuedBytes, long expectedTaskOutputBytes, long memoryBudgetBytes)
      implements OperatorLoad {
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
    assertTrue(policy.canStartTask(new Load(0, 600, 400, 1000)));
    assertFalse(policy.canStartTask(new Load(0, 601, 400, 1000)));
  }

  @Test
  void runningTasksCountWithTheOutputTheyAreExpectedToAdd() {
    assertTrue(policy.canStartTask(new Load(1, 200, 400, 1000)), "200 queued + 400 coming + 400 = 1000");
    assertFalse(policy.canStartTask(new Load(2, 200, 400, 1000)));
  }

  @Test
  void anOperatorHoldingNothingAlwaysRuns() {
    assertTrue(policy.canStartTask(new Load(0, 0, 5000, 1000)), "a task larger than the budget still runs");
  }

  @Test
  void nameIsShownInStallDiagnoses() {
    assertEquals("memory-budget", policy.name());
  }
}
