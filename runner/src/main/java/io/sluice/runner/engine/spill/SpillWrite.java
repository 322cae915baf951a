package io.sluice.runner.engine.spill;

import io.sluice.runner.engine.operator.Task;

/** Writes one spilled block on a worker thread, so the scheduling thread never waits on disk. */
public record SpillWrite(SpilledBlock block) implements Task {
  @Override
  public void run() {
    block.write();
  }
}
