package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayDeque;
import java.util.Collection;

/** The output blocks an operator has produced and the executor has not yet taken. */
public final class OutputQueue {
  private final ArrayDeque<OutputBlock> blocks = new ArrayDeque<>();

  public void addAll(Collection<OutputBlock> outputs) {
    blocks.addAll(outputs);
  }

  public OutputBlock poll() {
    return blocks.poll();
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }
}
