package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.resource.ExecutionResources;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Applies a {@link BlockFunction} to each input block as its own task. Holds at most a few input
 * blocks, so a slow map pushes back on its producers through the executor's queues.
 */
public final class MapOperator extends TaskOperator implements StopsEarly {
  private final BlockFunction function;
  private final int maxBufferedInputs;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
  private boolean inputFinished;
  private boolean stopped;

  public MapOperator(String name, BlockFunction function, int maxConcurrency) {
    this(name, function, maxConcurrency, ExecutionResources.cpus(1));
  }

  /** @param taskResources what each task holds while it runs */
  public MapOperator(String name, BlockFunction function, int maxConcurrency, ExecutionResources taskResources) {
    super(name, maxConcurrency, taskResources);
    this.function = function;
    this.maxBufferedInputs = Math.max(2, maxConcurrency);
  }

  @Override
  public boolean needsInput() {
    return stopped || (!inputFinished && inputs.size() < maxBufferedInputs);
  }

  @Override
  public void addInput(Block block) {
    if (stopped) {
      block.release(); // no longer wanted: a stopped operator takes what is still in flight and drops it
    } else {
      inputs.add(block);
    }
  }

  @Override
  public void stopEarly() {
    stopped = true;
    inputs.forEach(Block::release);
    inputs.clear();
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
    return input == null ? null : start(new MapTask(input));
  }

  @Override
  void completed(Task task) {
    outputs().addAll(((MapTask) task).result);
  }

  @Override
  public boolean isFinished() {
    return inputFinished && inputs.isEmpty() && drained();
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
      result = function.apply(SpilledBlock.inMemory(input));
    }
  }
}
