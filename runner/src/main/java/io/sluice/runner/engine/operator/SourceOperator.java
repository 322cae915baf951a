package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads splits in parallel; a split that is not done goes back to the queue after each chunk. */
public final class SourceOperator implements PhysicalOperator {
  private final String name;
  private final ArrayDeque<SplitReader> ready;
  private final List<SplitReader> all;
  private final OutputQueue outputs = new OutputQueue();
  private final int maxConcurrency;
  private int running;

  public SourceOperator(String name, Collection<? extends SplitReader> splits, int maxConcurrency) {
    this.name = name;
    this.ready = new ArrayDeque<>(splits);
    this.all = new ArrayList<>(splits);
    this.maxConcurrency = maxConcurrency;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsInput() {
    return false;
  }

  @Override
  public void addInput(Block block) {
    throw new IllegalStateException(name + " is a source and takes no input");
  }

  @Override
  public void finishInput() {}

  @Override
  public boolean hasTask() {
    return !ready.isEmpty();
  }

  @Override
  public Task pollTask() {
    SplitReader split = ready.poll();
    if (split == null) {
      return null;
    }
    running++;
    return new ReadTask(split);
  }

  @Override
  public void taskCompleted(Task task) {
    running--;
    ReadTask read = (ReadTask) task;
    outputs.addAll(read.result);
    if (!read.split.isDone()) {
      ready.add(read.split);
    }
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
    return ready.isEmpty() && running == 0 && outputs.isEmpty();
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
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
