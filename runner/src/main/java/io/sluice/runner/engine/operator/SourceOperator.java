package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.resource.ExecutionResources;

import io.sluice.runner.engine.block.Block;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads splits in parallel; a split that is not done goes back to the queue after each chunk. */
public final class SourceOperator extends TaskOperator implements StopsEarly {
  private final ArrayDeque<SplitReader> ready;
  private final List<SplitReader> all;
  private boolean stopped;

  public SourceOperator(String name, Collection<? extends SplitReader> splits, int maxConcurrency) {
    this(name, splits, maxConcurrency, ExecutionResources.cpus(1));
  }

  /** @param taskResources what each task holds while it runs */
  public SourceOperator(String name, Collection<? extends SplitReader> splits, int maxConcurrency, ExecutionResources taskResources) {
    super(name, maxConcurrency, taskResources);
    this.ready = new ArrayDeque<>(splits);
    this.all = new ArrayList<>(splits);
  }

  @Override
  public boolean needsInput() {
    return false;
  }

  @Override
  public void addInput(Block block) {
    throw new IllegalStateException(name() + " is a source and takes no input");
  }

  @Override
  public void finishInput() {}

  @Override
  public boolean hasTask() {
    return !ready.isEmpty();
  }

  @Override
  public Task pollTask() {
    rebalance();
    SplitReader split = ready.poll();
    return split == null ? null : start(new ReadTask(split));
  }

  /** While slots would stay idle, splits the remainder of waiting splits that are willing. */
  private void rebalance() {
    for (int tries = ready.size(); tries > 0 && running() + ready.size() < maxConcurrency(); tries--) {
      SplitReader split = ready.poll();
      ready.add(split);
      SplitReader residual = split.splitRemainder();
      if (residual != null) {
        ready.add(residual);
        all.add(residual);
        tries++;
      }
    }
  }

  @Override
  void completed(Task task) {
    ReadTask read = (ReadTask) task;
    outputs().addAll(read.result);
    if (!stopped && !read.split.isDone()) {
      ready.add(read.split);
    }
  }

  @Override
  public boolean isFinished() {
    return ready.isEmpty() && drained();
  }

  /** Reads no further chunk; the readers are still closed at the end of the run. */
  @Override
  public void stopEarly() {
    ready.clear();
    stopped = true;
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (SplitReader split : all) {
      try {
        split.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static final class ReadTask implements Task {
    final SplitReader split;
    List<OutputBlock> result;

    ReadTask(SplitReader split) {
      this.split = split;
    }

    @Override
    public void run() throws Exception {
      result = split.readSome();
    }
  }
}
