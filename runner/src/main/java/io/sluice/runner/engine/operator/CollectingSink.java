package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every block it receives, for consumers that need a whole collection before they start (side
 * inputs). Runs no tasks: taking a block is only a reference handed over.
 */
public final class CollectingSink implements PhysicalOperator {
  private final String name;
  private final List<Block> blocks = new ArrayList<>();
  private boolean inputFinished;

  public CollectingSink(String name) {
    this.name = name;
  }

  /** Everything received; complete once the sink has finished. */
  public List<Block> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsInput() {
    return true;
  }

  @Override
  public void addInput(Block block) {
    blocks.add(block);
  }

  @Override
  public void finishInput() {
    inputFinished = true;
  }

  @Override
  public boolean hasTask() {
    return false;
  }

  @Override
  public Task pollTask() {
    return null;
  }

  @Override
  public void taskCompleted(Task task) {}

  @Override
  public OutputBlock pollOutput() {
    return null;
  }

  @Override
  public boolean isFinished() {
    return inputFinished;
  }
}
