package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.backpressure.OperatorLoad;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.HoldsResources;
import io.sluice.runner.engine.operator.MeasuresRowCost;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.ResourceGrants;
import io.sluice.runner.engine.spill.BlockCodec;
import io.sluice.runner.engine.spill.SpillStore;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** The executor's bookkeeping for one operator; touched only by the scheduling thread. */
final class OperatorState implements OperatorLoad {
  final int id;
  final PhysicalOperator op;
  final OperatorStats stats;
  final ArrayDeque<Block> inputQueue = new ArrayDeque<>();
  /** Encodes blocks queued for this operator when they must spill; null: never spilled. */
  final BlockCodec inputCodec;
  final List<List<OperatorState>> consumersByPort = new ArrayList<>();
  final List<OperatorState> downstream = new ArrayList<>();
  /** Each consumer once, for byte accounting: a consumer wired twice holds its queue once. */
  final List<OperatorState> distinctDownstream = new ArrayList<>();
  final List<OperatorState> dependents = new ArrayList<>();
  /** The policy holding it back while it has work to start, since when; null while none does. */
  String heldBackBy;
  long heldBackSinceNanos;
  /** Since when its next task has waited only for CPUs that running tasks hold; -1 while it does not. */
  long waitingForCpusSinceNanos = -1;
  /** Per limited output port, the rows still wanted (see Topology.limitOutput). */
  final Map<Integer, Long> rowsWanted = new HashMap<>();
  /** Bytes in its input queue, and the part of them off the heap. */
  long queuedBytes;
  long queuedOffHeapBytes;
  long queuedRows;
  int openUpstreamEdges;
  int pendingPrerequisites;
  int running;
  boolean inputFinished;
  boolean finished;
  /** The most its outputs may hold, on the heap and off it (see StreamingExecutor.updateMemoryBudgets). */
  long memoryBudget = Long.MAX_VALUE;
  long offHeapBudget = Long.MAX_VALUE;
  /** GPUs its workers hold, and the most they may hold (see StreamingExecutor.updateGpuShares). */
  double heldGpus;
  double gpuShare;
  /** Hands out the run's resources to its workers, within its share of the GPUs. */
  final ResourceGrants grants;

  OperatorState(int id, PhysicalOperator op, BlockCodec inputCodec, Function<OperatorState, ResourceGrants> grants) {
    this.id = id;
    this.op = op;
    this.inputCodec = inputCodec;
    this.stats = new OperatorStats(op.name());
    this.grants = grants.apply(this);
  }

  void enqueue(Block block) {
    inputQueue.add(block);
    queuedBytes += block.bytes();
    queuedOffHeapBytes += block.offHeapBytes();
    queuedRows += block.rows();
    stats.queued(queuedBytes);
  }

  /** Its bytes leave the queue's count: taken from the queue, or written to disk. */
  void dequeued(Block block) {
    queuedBytes -= block.bytes();
    queuedOffHeapBytes -= block.offHeapBytes();
  }

  /** Its rows leave the queue's count: taken from the queue (a block written to disk still waits). */
  void taken(Block block) {
    dequeued(block);
    queuedRows -= block.rows();
  }

  /**
   * How long its queued rows, and {@code moreRows} on their way, would take at its measured pace,
   * with the workers it has; -1 if it does not measure its pace. Until it has done its first rows,
   * anything queued counts as plenty: producers wait the few milliseconds until it knows its pace,
   * rather than fill its queue meanwhile (a cheap read filled it before the first actor was up).
   * One that waits for a side input holds no one back on this count: it may be waiting for those
   * very producers.
   */
  long queuedWorkNanos(long moreRows) {
    if (!(op instanceof MeasuresRowCost measured)) {
      return -1;
    }
    double nanosPerRow = measured.nanosPerRow();
    long rows = queuedRows + moreRows;
    if (rows == 0 || nanosPerRow == 0) {
      return 0;
    }
    if (Double.isNaN(nanosPerRow)) {
      return pendingPrerequisites == 0 ? Long.MAX_VALUE : -1;
    }
    int workers = op instanceof HoldsResources pool ? pool.workers() : running;
    return (long) Math.min(Long.MAX_VALUE, rows * nanosPerRow / Math.max(1, workers));
  }

  long queued(MemoryPool pool) {
    return pool.of(queuedBytes, queuedOffHeapBytes);
  }

  /**
   * Puts a stand-in for the in-memory block with bytes in {@code pool} nearest the tail of the
   * queue (among the last to be consumed) in its place, to be written to disk; null if there is none.
   */
  SpilledBlock beginSpillOfLast(SpillStore store, MemoryPool pool) {
    ArrayDeque<Block> after = new ArrayDeque<>();
    try {
      while (!inputQueue.isEmpty()) {
        Block block = inputQueue.pollLast();
        if (!(block instanceof SpilledBlock) && pool.of(block.bytes(), block.offHeapBytes()) > 0) {
          SpilledBlock spilling = store.begin(block, inputCodec);
          inputQueue.addLast(spilling);
          return spilling;
        }
        after.addFirst(block);
      }
      return null;
    } finally {
      inputQueue.addAll(after);
    }
  }

  /** Whether no output port but {@code port} has a consumer. */
  boolean feedsOnly(int port) {
    for (int other = 0; other < consumersByPort.size(); other++) {
      if (other != port && !consumersByPort.get(other).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  List<OperatorState> consumersOf(int port) {
    while (consumersByPort.size() <= port) {
      consumersByPort.add(new ArrayList<>());
    }
    return consumersByPort.get(port);
  }

  /** One entry per edge, so a consumer connected twice is released twice. */
  List<OperatorState> downstreamEdges() {
    return downstream;
  }

  @Override
  public String name() {
    return op.name();
  }

  @Override
  public int runningTasks() {
    return running;
  }

  @Override
  public int maxConcurrency() {
    return op.maxConcurrency();
  }

  @Override
  public ExecutionResources taskResources() {
    return op.taskResources();
  }

  @Override
  public long expectedTaskOutputBytes() {
    return perPiece(stats.bytesOut());
  }

  @Override
  public long expectedTaskOffHeapBytes() {
    return perPiece(stats.offHeapBytesOut());
  }

  @Override
  public long memoryBudgetBytes() {
    return memoryBudget;
  }

  @Override
  public long offHeapBudgetBytes() {
    return offHeapBudget;
  }

  @Override
  public long downstreamQueuedBytes() {
    return overConsumers(consumer -> consumer.queuedBytes);
  }

  @Override
  public long downstreamQueuedOffHeapBytes() {
    return overConsumers(consumer -> consumer.queuedOffHeapBytes);
  }

  @Override
  public long downstreamQueuedWorkNanos() {
    return downstreamQueuedWorkNanos(0);
  }

  /** {@link #downstreamQueuedWorkNanos()} once {@code moreRows} more have reached each consumer. */
  long downstreamQueuedWorkNanos(long moreRows) {
    if (distinctDownstream.isEmpty()) {
      return 0;
    }
    long least = Long.MAX_VALUE;
    for (OperatorState consumer : distinctDownstream) {
      long work = consumer.queuedWorkNanos(moreRows);
      if (work < 0) {
        return 0;
      }
      least = Math.min(least, work);
    }
    return least;
  }

  @Override
  public long meanTaskNanos() {
    return perPiece(stats.taskNanos());
  }

  /** The output rows one of its tasks (or pieces of work) has produced on average so far. */
  long expectedTaskOutputRows() {
    return perPiece(stats.rowsOut());
  }

  /** {@code total} over the pieces of work done so far (see OperatorStats.pieces); 0 before any. */
  private long perPiece(long total) {
    long pieces = stats.pieces();
    return pieces == 0 ? 0 : total / pieces;
  }

  private long overConsumers(ToLongFunction<OperatorState> queued) {
    long total = 0;
    for (OperatorState consumer : distinctDownstream) {
      total += queued.applyAsLong(consumer);
    }
    return total;
  }

  /**
   * An operator as the policies will see it when {@code pieces} running tasks' current pieces of
   * work are done: their output queued downstream (as much as a task's on average), and the last of
   * them ended. Whether they allow that task to go on is whether they would then start one in its
   * place.
   */
  record PiecesDone(OperatorState op, int pieces) implements OperatorLoad {
    @Override
    public String name() {
      return op.name();
    }

    @Override
    public int runningTasks() {
      return op.runningTasks() - 1;
    }

    @Override
    public int maxConcurrency() {
      return op.maxConcurrency();
    }

    @Override
    public ExecutionResources taskResources() {
      return op.taskResources();
    }

    @Override
    public long downstreamQueuedBytes() {
      return op.downstreamQueuedBytes() + pieces * op.expectedTaskOutputBytes();
    }

    @Override
    public long downstreamQueuedOffHeapBytes() {
      return op.downstreamQueuedOffHeapBytes() + pieces * op.expectedTaskOffHeapBytes();
    }

    @Override
    public long expectedTaskOutputBytes() {
      return op.expectedTaskOutputBytes();
    }

    @Override
    public long expectedTaskOffHeapBytes() {
      return op.expectedTaskOffHeapBytes();
    }

    @Override
    public long memoryBudgetBytes() {
      return op.memoryBudgetBytes();
    }

    @Override
    public long offHeapBudgetBytes() {
      return op.offHeapBudgetBytes();
    }

    /**
     * A piece adds at least a row: before a read's first chunk has landed, a consumer still on its
     * first rows counts as having enough, or both chunks read at the start would go on at once.
     */
    @Override
    public long downstreamQueuedWorkNanos() {
      return op.downstreamQueuedWorkNanos(pieces * Math.max(1, op.expectedTaskOutputRows()));
    }

    @Override
    public long meanTaskNanos() {
      return op.meanTaskNanos();
    }
  }
}
