package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Applies a {@link BlockFunction} to each input block as its own task. Holds at most a few input
 * blocks, so a slow map pushes back on its producers through the executor's queues.
 */
public final class MapOperator implements PhysicalOperator {
  private final String name;
  private final BlockFunction function;
  private final int maxConcurrency;
  private final int maxBufferedInputs;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
  private final OutputQueue outputs = new OutputQueue();
  private boolean inputFinished;
  private int running;

  public MapOperator(String name, BlockFunction function, int maxConcurrency) {
    this.name = name;
    this.function = function;
    this.maxConcurrency = maxConcurrency;
    this.maxBufferedInputs = Math.max(2, maxConcurrency);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsInput() {
    return !inputFinished && inputs.size() < maxBufferedInputs;
  }

  @Override
  public void addInput(Block block) {
    inputs.add(block);
  }

  @Override
  public void finishInput() {
    inputFinished = true;
  }

  @Override
  public boolean hasTask() {
    return !inputs.isEmpty();
  }

  @Override
  public Task pollTask() {
    Block input = inputs.poll();
    if (input == null) {
      return null;
    }
    running++;
    return new MapTask(input);
  }

  @Override
  public void taskCompleted(Task task) {
    running--;
    outputs.addAll(((MapTask) task).result);
  }

  @Override
  public void taskFailed(Task task, Throwable error) {
    running--;
  }

  @Override
  public OutputBlock pollOutput() {
    return outputs.poll();
  }

  @Override
  public boolean isFinished() {
    return inputFinished && inputs.isEmpty() && running == 0 && outputs.isEmpty();
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  @Override
  public void close() throws Exception {
    function.close();
  }

  private final class MapTask implements Task {
    private final Block input;
    private List<OutputBlock> result;

    MapTask(Block input) {
      this.input = input;
    }

    @Override
    public void run() throws Exception {
      result = function.apply(input);
    }
  }
}
