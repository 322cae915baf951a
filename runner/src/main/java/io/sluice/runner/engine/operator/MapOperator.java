package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.resource.ExecutionResources;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Applies a {@link BlockFunction} to each input block as its own task. Holds at most a few input
 * blocks, so a slow map pushes back on its producers through the executor's queues. A failed task
 * over rows runs again, up to the configured number of retries, before the failure stands.
 */
public final class MapOperator extends TaskOperator implements StopsEarly, RetriesTasks, MeasuresRowCost {
  private final BlockFunction function;
  private final int maxBufferedInputs;
  private final Retries retries;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
  /** Failed tasks to run again, before any new input. */
  private final ArrayDeque<MapTask> toRetry = new ArrayDeque<>();
  private boolean inputFinished;
  private boolean stopped;
  private final Meter rowCost = new Meter();

  public MapOperator(String name, BlockFunction function, int maxConcurrency) {
    this(name, function, maxConcurrency, ExecutionResources.cpus(1));
  }

  /** @param taskResources what each task holds while it runs */
  public MapOperator(String name, BlockFunction function, int maxConcurrency, ExecutionResources taskResources) {
    this(name, function, maxConcurrency, taskResources, Retries.NONE);
  }

  /** @param retries how many times a failed task runs again before its failure fails the run */
  public MapOperator(String name, BlockFunction function, int maxConcurrency, ExecutionResources taskResources,
      Retries retries) {
    super(name, maxConcurrency, taskResources);
    this.function = function;
    this.maxBufferedInputs = Math.max(2, maxConcurrency);
    this.retries = retries;
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
    toRetry.clear();
  }

  @Override
  public void finishInput() {
    inputFinished = true;
  }

  @Override
  public boolean hasTask() {
    return !toRetry.isEmpty() || !inputs.isEmpty();
  }

  @Override
  public Task pollTask() {
    MapTask again = toRetry.poll();
    if (again != null) {
      return start(again);
    }
    Block input = inputs.poll();
    return input == null ? null : start(new MapTask(input, 1));
  }

  /**
   * Runs a failed task again while retries are left and its input can be fed again: rows, which a
   * run leaves as they were (a columnar batch is handed over to the function and gone).
   */
  @Override
  public boolean retry(Task failed, Throwable error) {
    MapTask task = (MapTask) failed;
    if (stopped || !retries.allowAnother(name(), task.attempt, error) || !(task.loaded instanceof RowBlock<?>)) {
      return false;
    }
    retries.listener().retrying(name(), task.attempt, error);
    toRetry.add(new MapTask(task.loaded, task.attempt + 1));
    return true;
  }

  @Override
  void completed(Task task) {
    MapTask done = (MapTask) task;
    outputs().addAll(done.result);
    rowCost.add(done.nanos, done.input.rows());
  }

  @Override
  public double nanosPerRow() {
    return rowCost.nanosPerRow();
  }

  @Override
  public boolean isFinished() {
    return inputFinished && inputs.isEmpty() && toRetry.isEmpty() && drained();
  }

  @Override
  public void close() throws Exception {
    function.close();
  }

  private final class MapTask implements Task {
    private final Block input;
    /** Which run of this input this is: 1 for the first. */
    private final int attempt;
    /** The input as the function got it (read back if it was spilled), for a retry. */
    private volatile Block loaded;
    private List<OutputBlock> result;
    private long nanos;

    MapTask(Block input, int attempt) {
      this.input = input;
      this.attempt = attempt;
    }

    @Override
    public void run() throws Exception {
      long start = System.nanoTime();
      loaded = SpilledBlock.inMemory(input);
      result = function.apply(loaded);
      nanos = System.nanoTime() - start;
    }
  }
}
