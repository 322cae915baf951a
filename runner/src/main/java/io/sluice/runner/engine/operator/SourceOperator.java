package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads splits in parallel, a chunk at a time. A task reads its split's next chunk straight after
 * the last while the scheduler lets it go on (see {@link ContinuesTasks}), handing each chunk's
 * output back as it finishes; otherwise the task ends, and a split that is not done goes back to the
 * queue. With retries, a split that fails is read again from the chunk that failed (see {@link
 * SplitReader#restart}): the chunks it finished before have gone on, and still go on.
 */
public final class SourceOperator extends TaskOperator implements StopsEarly, ContinuesTasks, RetriesTasks {
  private final ArrayDeque<SplitReader> ready;
  private final List<SplitReader> all;
  private final Retries retries;
  /** Per split, the times it has failed and been read again. */
  private final Map<SplitReader, Integer> restarts = new IdentityHashMap<>();
  /** The running tasks, in the order they started. */
  private final List<ReadTask> reading = new ArrayList<>();
  private Runnable requestTurn = () -> {};
  private boolean stopped;

  public SourceOperator(String name, Collection<? extends SplitReader> splits, int maxConcurrency) {
    this(name, splits, maxConcurrency, ExecutionResources.cpus(1));
  }

  /** @param taskResources what each task holds while it runs */
  public SourceOperator(String name, Collection<? extends SplitReader> splits, int maxConcurrency, ExecutionResources taskResources) {
    this(name, splits, maxConcurrency, taskResources, Retries.NONE);
  }

  /** @param retries how many times a split that fails goes on again from the chunk that failed */
  public SourceOperator(String name, Collection<? extends SplitReader> splits, int maxConcurrency,
      ExecutionResources taskResources, Retries retries) {
    super(name, maxConcurrency, taskResources);
    this.ready = new ArrayDeque<>(splits);
    this.all = new ArrayList<>(splits);
    this.retries = retries;
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
    if (split == null) {
      return null;
    }
    ReadTask task = new ReadTask(split);
    reading.add(task);
    return start(task);
  }

  @Override
  public void turnsBy(Runnable requestTurn) {
    this.requestTurn = requestTurn;
  }

  @Override
  public int collectFinishedPieces() {
    int collected = 0;
    for (ReadTask task : reading) {
      collected += collect(task);
    }
    return collected;
  }

  /**
   * Lets up to {@code mayGoOn} running tasks read another chunk. None goes on while a slot is free
   * and no split waits: its split must come back to be split again (see {@link #rebalance}), or the
   * slot would stay idle.
   */
  @Override
  public void letTasksGoOn(int mayGoOn) {
    int allowed = stopped || (ready.isEmpty() && running() < maxConcurrency()) ? 0 : mayGoOn;
    for (ReadTask task : reading) {
      task.mayGoOn.set(allowed-- > 0);
    }
  }

  private int collect(ReadTask task) {
    int chunks = 0;
    for (List<OutputBlock> chunk; (chunk = task.finishedChunks.poll()) != null; chunks++) {
      outputs().addAll(chunk);
    }
    return chunks;
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
  public boolean retry(Task failed, Throwable error) {
    ReadTask read = (ReadTask) failed;
    SplitReader split = read.split;
    if (stopped) {
      return false;
    }
    int attempt = restarts.getOrDefault(split, 0) + 1;
    if (!retries.allowAnother(name(), attempt, error) || !split.restart()) {
      return false;
    }
    restarts.put(split, attempt);
    collect(read); // the chunks it finished before the failure, which the split counts as handed on
    reading.remove(read);
    retries.listener().retrying(name(), attempt, error);
    ready.addFirst(split);
    return true;
  }

  @Override
  void completed(Task task) {
    ReadTask read = (ReadTask) task;
    reading.remove(read);
    collect(read);
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
    for (ReadTask task : reading) {
      task.mayGoOn.set(false);
    }
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

  private final class ReadTask implements Task {
    final SplitReader split;
    /** Set by the scheduling thread, taken by the task as it goes on to another chunk. */
    final AtomicBoolean mayGoOn = new AtomicBoolean();
    /** Chunks read before the last, for the scheduling thread to collect. */
    final ConcurrentLinkedQueue<List<OutputBlock>> finishedChunks = new ConcurrentLinkedQueue<>();
    List<OutputBlock> result;

    ReadTask(SplitReader split) {
      this.split = split;
    }

    @Override
    public void run() throws Exception {
      while (true) {
        List<OutputBlock> chunk = split.readSome();
        // Taken before the chunk is handed back: the turn that collects it may grant the next one.
        if (split.isDone() || !mayGoOn.getAndSet(false)) {
          result = chunk;
          return;
        }
        finishedChunks.add(chunk);
        requestTurn.run();
      }
    }
  }
}
