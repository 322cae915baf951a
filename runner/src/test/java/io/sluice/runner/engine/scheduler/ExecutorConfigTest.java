package io.sluice.runner.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.backpressure.ConcurrencyCapPolicy;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorConfigTest {

  @Test
  void rejectsLessThanOneCpu() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ExecutorConfig(ExecutionResources.cpus(0.5), List.of(), "t"));
  }

  @Test
  void fractionalCpusRoundUpToWorkerThreads() {
    assertEquals(2, new ExecutorConfig(ExecutionResources.cpus(1.5), List.of(), "t").workerThreads());
    assertEquals(4, new ExecutorConfig(ExecutionResources.cpus(4), List.of(), "t").workerThreads());
  }

  @Test
  void policiesAreCopied() {
    List<BackpressurePolicy> policies = new ArrayList<>();
    policies.add(new ConcurrencyCapPolicy());
    ExecutorConfig config = new ExecutorConfig(ExecutionResources.cpus(1), policies, "t");

    policies.clear();

    assertEquals(1, config.policies().size());
    assertThrows(UnsupportedOperationException.class, () -> config.policies().clear());
  }
}
