package io.sluice.runner.engine.backpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.resource.ExecutionResources;
import org.junit.jupiter.api.Test;

class ResourceBudgetPolicyTest {
  private record Usage(ExecutionResources limits, ExecutionResources inUse, int runningTasks) implements ResourceUsage {}

  private record Requesting(ExecutionResources taskResources) implements OperatorLoad {
    @Override
    public String name() {
      return "op";
    }

    @Override
    public int runningTasks() {
      return 0;
    }

    @Override
    public int maxConcurrency() {
      return Integer.MAX_VALUE;
    }

    @Override
    public long downstreamQueuedBytes() {
      return 0;
    }
  }

  private static boolean allows(ExecutionResources limits, ExecutionResources inUse, int running, ExecutionResources task) {
    return new ResourceBudgetPolicy(new Usage(limits, inUse, running)).canStartTask(new Requesting(task));
  }

  @Test
  void saysWhatTheTaskNeedsAndWhatIsFree() {
    ExecutionResources task = ExecutionResources.cpus(2);
    String why = new ResourceBudgetPolicy(new Usage(ExecutionResources.cpus(4), ExecutionResources.cpus(3), 1))
        .whyHeldBack(new Requesting(task));
    assertEquals("resource-budget: its task (" + task + ") does not fit the free resources ("
        + ExecutionResources.cpus(1) + ")", why);
  }

  @Test
  void aTaskStartsWhenItFitsBesideTheRunningOnes() {
    ExecutionResources limits = new ExecutionResources(2, 1, 1000);
    assertTrue(allows(limits, ExecutionResources.cpus(1), 1, ExecutionResources.cpus(1)));
    assertFalse(allows(limits, ExecutionResources.cpus(2), 2, ExecutionResources.cpus(1)));
  }

  @Test
  void everyDimensionCounts() {
    ExecutionResources limits = new ExecutionResources(8, 1, 1000);
    ExecutionResources halfGpu = new ExecutionResources(1, 0.5, 0);
    assertTrue(allows(limits, halfGpu, 1, halfGpu), "two half-GPU tasks share one device");
    assertFalse(allows(limits, new ExecutionResources(2, 1, 0), 2, halfGpu), "a third does not fit");
    assertFalse(allows(limits, new ExecutionResources(1, 0, 900), 1, new ExecutionResources(1, 0, 200)));
  }

  @Test
  void aTaskLargerThanTheWholeBudgetRunsAloneRatherThanNever() {
    ExecutionResources limits = new ExecutionResources(2, 1, 1000);
    ExecutionResources huge = new ExecutionResources(1, 4, 0);
    assertTrue(allows(limits, ExecutionResources.ZERO, 0, huge));
    assertFalse(allows(limits, ExecutionResources.cpus(1), 1, huge));
  }

  @Test
  void hasAName() {
    assertEquals("resource-budget", new ResourceBudgetPolicy(new Usage(ExecutionResources.ZERO, ExecutionResources.ZERO, 0)).name());
  }
}
