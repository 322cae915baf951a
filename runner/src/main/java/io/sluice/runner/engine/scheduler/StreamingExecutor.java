package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.backpressure.OperatorLoad;
import io.sluice.runner.engine.backpressure.ResourceBudgetPolicy;
import io.sluice.runner.engine.backpressure.ResourceUsage;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ByteSizes;
import io.sluice.runner.engine.operator.HoldsResources;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.operator.ContinuesTasks;
import io.sluice.runner.engine.operator.RequestsTurns;
import io.sluice.runner.engine.operator.RetriesTasks;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.StopsEarly;
import io.sluice.runner.engine.operator.Task;
import io.sluice.runner.engine.resource.DeviceAllocator;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.GpuShares;
import io.sluice.runner.engine.resource.MemoryAllocator;
import io.sluice.runner.engine.resource.ResourceGrants;
import io.sluice.runner.engine.spill.SpillStore;
import io.sluice.runner.engine.spill.SpillWrite;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a {@link Topology}: one scheduling thread owns every operator's state and the queues between
 * them; tasks run on a fixed worker pool and report back through a completion queue.
 *
 * <p>Each turn: collect completed tasks, move output blocks into consumers' input queues, feed
 * operators that want input, propagate "input finished", then dispatch runnable tasks while the
 * resource limits and every backpressure policy allow, preferring the operator whose consumers
 * hold the fewest queued bytes and, on ties, the most downstream one. When nothing runs and nothing
 * is eligible, the most downstream operator blocked only by policies runs anyway (liveness).
 *
 * <p>Operators that {@link HoldsResources hold resources} per worker (actor pools) resize first in
 * each turn, through grants checked against the same limits, their share of the GPUs, and the
 * concrete devices still free.
 */
public final class StreamingExecutor implements ResourceUsage {
  private static final long IDLE_WAIT_MILLIS = 50;
  /**
   * How long a task may wait for CPUs held by tasks that keep going (actors working through bundle
   * after bundle) before those are asked to end: each such switch leaves a CPU idle for a scheduling
   * turn or two, so small tasks (a key extraction, a combine merging partial sums) are let gather
   * rather than stop the actors one bundle at a time.
   */
  private static final long CPU_WAIT_BEFORE_HOLDERS_YIELD_NANOS = 500_000_000L;
  /** Tasks this short on average, over at least RIDE_ALONG_MIN_TASKS, may ride along (one at a time). */
  private static final long RIDE_ALONG_MAX_MEAN_TASK_NANOS = 500_000L;
  private static final int RIDE_ALONG_MIN_TASKS = 4;
  private static final long WORKER_SHUTDOWN_SECONDS = 30;
  private static final long IDLE_THREAD_KEEP_ALIVE_SECONDS = 30;

  private final Topology topology;
  private final ExecutorConfig config;
  private final List<OperatorState> ops = new ArrayList<>();
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final ExecutorService workers;
  private final StallDetector stallDetector;
  /** Always applied, before the configured policies: tasks must fit the run's resources. */
  private final ResourceBudgetPolicy resourceBudget = new ResourceBudgetPolicy(this);
  private final ProgressReporter progressReporter;
  private final LongSupplier clock;
  private final DeviceAllocator devices;
  /** Operators whose workers hold resources while they live, resized every turn. */
  private final List<OperatorState> holders = new ArrayList<>();
  /** The one task running beside the CPU budget, if any (see {@link #riderWaitingForCpus}). */
  private Task riderTask;
  private OperatorState riderOp;
  /** Operators whose tasks can go on past a piece of work (see {@link ContinuesTasks}). */
  private final List<OperatorState> continuers = new ArrayList<>();
  private final SpillStore spills;
  /** Bytes of blocks whose spill write is still running: still in memory, but on their way out. */
  private long spillsInFlightBytes;
  /** The part of spillsInFlightBytes held off the heap. */
  private long spillsInFlightOffHeapBytes;
  private volatile int failedSpillWrites;
  private volatile boolean cancelRequested;
  private ExecutionResources inUse = ExecutionResources.ZERO;
  private int runningTasks;
  private Thread schedulerThread;
  private volatile long startNanos;
  private volatile long endNanos;

  public StreamingExecutor(Topology topology, ExecutorConfig config) {
    this.topology = topology;
    this.config = config;
    // Admission is by resources, not by thread count: a GPU actor waiting on its device must not
    // take a CPU task's thread. workerThreads threads stay; more start when admitted work needs them.
    this.workers = new ThreadPoolExecutor(config.workerThreads(), Integer.MAX_VALUE, IDLE_THREAD_KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS, new SynchronousQueue<>(), threads(config.threadNamePrefix() + "-worker"));
    ExecutorConfig.StallWatch watch = config.stallWatch();
    this.clock = watch.nanoClock();
    this.devices = new DeviceAllocator((int) Math.ceil(config.limits().gpus() - 1e-9));
    this.spills = new SpillStore(config.spillDirectory(), config.threadNamePrefix() + "-spill-");
    this.stallDetector = new StallDetector(watch.nanoClock(), watch.timeoutNanos(), watch.listener());
    this.progressReporter = new ProgressReporter(
        watch.nanoClock(), config.progressWatch().intervalNanos(), config.progressWatch().listener());
    for (int i = 0; i < topology.size(); i++) {
      OperatorState state = new OperatorState(i, topology.operator(i), topology.inputCodec(i), this::grantsFor);
      ops.add(state);
      if (state.op instanceof HoldsResources) {
        holders.add(state);
      }
      if (state.op instanceof RequestsTurns requester) {
        requester.turnsBy(() -> completions.offer(Completion.WAKE_UP));
      }
      if (state.op instanceof ContinuesTasks) {
        continuers.add(state);
      }
    }
    for (Topology.Edge edge : topology.edges()) {
      OperatorState producer = ops.get(edge.producer());
      OperatorState consumer = ops.get(edge.consumer());
      producer.consumersOf(edge.port()).add(consumer);
      producer.downstream.add(consumer);
      if (!producer.distinctDownstream.contains(consumer)) {
        producer.distinctDownstream.add(consumer);
      }
      consumer.openUpstreamEdges++;
    }
    for (Topology.OutputLimit limit : topology.outputLimits()) {
      ops.get(limit.operator()).rowsWanted.merge(limit.port(), limit.rows(), Math::min);
    }
    for (int[] prerequisite : topology.prerequisites()) {
      ops.get(prerequisite[0]).pendingPrerequisites++;
      ops.get(prerequisite[1]).dependents.add(ops.get(prerequisite[0]));
    }
  }

  /** Starts the scheduling thread; the future completes when every operator has finished. */
  public CompletableFuture<Void> start() {
    startNanos = System.nanoTime();
    schedulerThread = threads(config.threadNamePrefix() + "-scheduler").newThread(this::runLoop);
    schedulerThread.start();
    return done;
  }

  /** Asks the run to stop; the future then completes exceptionally with a CancellationException. */
  public void cancel() {
    cancelRequested = true;
    completions.offer(Completion.WAKE_UP);
  }

  /** Per-operator statistics, in topological order; final once the run has completed. */
  public List<OperatorStats> operatorStats() {
    List<OperatorStats> stats = new ArrayList<>(ops.size());
    for (OperatorState state : ops) {
      stats.add(state.stats);
    }
    return stats;
  }

  /** Wall time from start to completion, or until now while running. */
  public long wallNanos() {
    long end = endNanos;
    return (end == 0 ? System.nanoTime() : end) - startNanos;
  }

  /**
   * Whether the scheduling thread and every worker thread have ended. Once the run has completed,
   * waits briefly for the scheduling thread, whose last acts are completing the run and, after a
   * success, waiting for the idle workers to end.
   */
  public boolean allThreadsStopped() {
    if (schedulerThread != null && done.isDone()) {
      try {
        schedulerThread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return workers.isTerminated() && (schedulerThread == null || !schedulerThread.isAlive());
  }

  private void runLoop() {
    Throwable failure = null;
    try {
      loop();
    } catch (Throwable t) {
      failure = t;
    }
    // After a success no task runs, unless a spill write is still in flight: the workers are idle,
    // and the run completes without waiting for their threads to end (0.4-12 ms here, each thread
    // waiting for a core). A failed or cancelled run may still have tasks running: it completes
    // only once they have stopped.
    boolean tasksMayRun = failure != null || spillsInFlightBytes > 0;
    failure = shutDown(failure, tasksMayRun);
    endNanos = System.nanoTime();
    if (failure == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(failure);
    }
    if (!tasksMayRun) {
      awaitWorkers(); // the last act of this thread: allThreadsStopped() joins it
    }
  }

  private void loop() throws InterruptedException {
    boolean progressed = true;
    while (true) {
      if (cancelRequested) {
        throw new CancellationException("run cancelled");
      }
      Completion completion = progressed ? completions.poll() : completions.poll(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      progressed = false;
      while (completion != null) {
        if (completion != Completion.WAKE_UP) {
          complete(completion);
          progressed = true;
        }
        completion = completions.poll();
      }
      progressed |= rescale();
      progressed |= collectFinishedPieces();
      progressed |= pump();
      spillIfOverBudget();
      if (ops.stream().allMatch(op -> op.finished)) {
        noteWhoIsHeldBack();
        return;
      }
      progressed |= dispatch();
      noteWhoIsHeldBack();
      letTasksGoOn();
      if (!progressed && runningTasks == 0 && !dispatchDespiteBackpressure()) {
        throw new IllegalStateException("executor is stuck: nothing runs and nothing can run\n" + describe());
      }
      if (progressed) {
        stallDetector.progressed();
      } else {
        stallDetector.check(this::describe);
      }
      progressReporter.maybeReport(this::progress);
    }
  }

  private void complete(Completion completion) {
    OperatorState state = completion.op;
    if (completion.task instanceof SpillWrite write) {
      spillWritten(state, write, completion.error);
      return;
    }
    if (completion.task == riderTask) {
      riderTask = null;
    }
    state.stats.taskFinished(completion.startedNanos - startNanos, completion.nanos);
    state.running--;
    runningTasks--;
    inUse = inUse.subtract(state.op.taskResources());
    if (completion.error != null) {
      try {
        state.op.taskFailed(completion.task, completion.error);
        if (state.op instanceof RetriesTasks retrying && retrying.retry(completion.task, completion.error)) {
          state.stats.taskRetried();
          return;
        }
      } catch (RuntimeException e) {
        completion.error.addSuppressed(e);
      }
      throw new OperatorFailedException(state.op.name(), completion.error);
    }
    inOperator(state, () -> state.op.taskCompleted(completion.task));
  }

  /**
   * The memory budgets bound what operators may produce (MemoryBudgetPolicy), but estimates can be
   * wrong and a single task may emit more than expected. When the blocks waiting in queues exceed
   * a whole budget (the heap's, or the off-heap one's) anyway, the ones that will be consumed last
   * go to disk, from the largest queues first, until the rest fits in 3/4 of the budget. The writes
   * run on worker threads; a block's bytes leave the queue's count when its write has finished.
   */
  private void spillIfOverBudget() {
    spillIfOver(config.limits().memoryBytes(), MemoryPool.HEAP);
    spillIfOver(config.offHeapBytes(), MemoryPool.OFF_HEAP);
  }

  /** Bytes of the blocks waiting in all input queues, in {@code pool}. */
  private long queuedBytes(MemoryPool pool) {
    long queued = 0;
    for (OperatorState state : ops) {
      queued += state.queued(pool);
    }
    return queued;
  }

  private void spillIfOver(long budget, MemoryPool pool) {
    long queued = queuedBytes(pool) - pool.of(spillsInFlightBytes, spillsInFlightOffHeapBytes);
    if (queued <= budget) {
      return;
    }
    long target = budget / 4 * 3;
    while (queued > target) {
      OperatorState largest = null;
      for (OperatorState state : ops) {
        if (state.inputCodec != null && state.queued(pool) > 0
            && (largest == null || state.queued(pool) > largest.queued(pool))) {
          largest = state;
        }
      }
      if (largest == null) {
        return; // nothing spillable is left in memory
      }
      SpilledBlock spilling = largest.beginSpillOfLast(spills, pool);
      if (spilling == null) {
        return;
      }
      spillsInFlightBytes += spilling.bytes();
      spillsInFlightOffHeapBytes += spilling.offHeapBytes();
      queued -= pool.of(spilling.bytes(), spilling.offHeapBytes());
      submitSpill(largest, spilling);
    }
  }

  private void submitSpill(OperatorState state, SpilledBlock spilling) {
    runOnWorker(state, new SpillWrite(spilling));
  }

  /**
   * A spill write finished: if the block still waits in the queue and is on disk, its bytes leave
   * the queue's count. A failed write leaves the block in memory; the run goes on.
   */
  private void spillWritten(OperatorState state, SpillWrite write, Throwable error) {
    SpilledBlock block = write.block();
    spillsInFlightBytes -= block.bytes();
    spillsInFlightOffHeapBytes -= block.offHeapBytes();
    if (error != null) {
      failedSpillWrites++;
      return;
    }
    if (block.isOnDisk() && state.inputQueue.stream().anyMatch(queued -> queued == block)) {
      state.dequeued(block);
      block.accountAsOnDisk();
    }
  }

  /** Blocks written to disk so far, and their size in memory; empty if none. */
  public String spillSummary() {
    return spills.spilledBlocks() == 0 ? ""
        : String.format("spilled %d blocks (%s) to disk to stay inside the memory budget%s",
            spills.spilledBlocks(), ByteSizes.format(spills.spilledBytes()),
            failedSpillWrites == 0 ? "" : "; " + failedSpillWrites + " writes failed and those blocks stayed in memory");
  }

  /** Lets actor pools start and stop actors; returns whether any did. */
  private boolean rescale() {
    if (holders.isEmpty()) {
      return false;
    }
    updateGpuShares();
    long now = clock.getAsLong();
    boolean changed = false;
    for (OperatorState state : holders) {
      if (!state.finished) {
        HoldsResources holder = (HoldsResources) state.op;
        boolean wantedElsewhere =
            state.running > 0 && othersWaitForCpus(state, now, CPU_WAIT_BEFORE_HOLDERS_YIELD_NANOS);
        changed |= fromOperator(state, () -> {
          holder.cpusWantedElsewhere(wantedElsewhere);
          return holder.rescale(state.grants, now);
        });
        state.stats.workers(holder.workers());
      }
    }
    return changed;
  }

  /** Splits the GPUs among the GPU actor pools by their measured GPU time per row. */
  private void updateGpuShares() {
    List<GpuShares.Demand<OperatorState>> demands = new ArrayList<>();
    for (OperatorState state : holders) {
      HoldsResources holder = (HoldsResources) state.op;
      if (!state.finished && holder.workerResources().gpus() > 0) {
        demands.add(new GpuShares.Demand<>(state, holder.workerResources().gpus(), holder.nanosPerRow()));
      }
    }
    Map<OperatorState, Double> shares = GpuShares.split(config.limits().gpus(), demands);
    for (GpuShares.Demand<OperatorState> demand : demands) {
      demand.operator().gpuShare = shares.get(demand.operator());
    }
  }

  /** Moves blocks and end-of-input signals downstream; returns whether anything moved. */
  private boolean pump() {
    boolean progressed = false;
    for (OperatorState state : ops) {
      if (!state.finished) {
        progressed |= fromOperator(state, () -> pump(state));
      }
    }
    return progressed;
  }

  private boolean pump(OperatorState state) {
    boolean progressed = drainOutputs(state);
    PhysicalOperator op = state.op;
    while (!state.inputQueue.isEmpty() && op.needsInput()) {
      Block block = state.inputQueue.poll();
      state.taken(block);
      state.stats.consumed(block.rows());
      op.addInput(block);
      progressed = true;
    }
    if (!state.inputFinished && state.openUpstreamEdges == 0 && state.inputQueue.isEmpty()) {
      state.inputFinished = true;
      op.finishInput();
      progressed = true;
    }
    if (state.inputFinished && state.running == 0 && op.isFinished()) {
      drainOutputs(state);
      state.finished = true;
      for (OperatorState consumer : state.downstreamEdges()) {
        consumer.openUpstreamEdges--;
      }
      for (OperatorState dependent : state.dependents) {
        dependent.pendingPrerequisites--;
      }
      progressed = true;
    }
    return progressed;
  }

  private boolean drainOutputs(OperatorState state) {
    boolean progressed = false;
    OutputBlock output;
    while ((output = state.op.pollOutput()) != null) {
      state.stats.emitted(output.block().rows(), output.block().bytes(), output.block().offHeapBytes());
      Long wanted = state.rowsWanted.get(output.port());
      if (wanted != null) {
        long left = wanted - output.block().rows();
        state.rowsWanted.put(output.port(), left);
        if (left <= 0 && !state.stats.wasStoppedEarly()) {
          stopEarly(state, output.port());
        }
      }
      for (OperatorState consumer : state.consumersOf(output.port())) {
        consumer.enqueue(output.block());
      }
      progressed = true;
    }
    return progressed;
  }

  /**
   * {@code limited}'s output {@code port} is no longer wanted: it (unless another of its ports
   * feeds something) and every operator upstream whose outputs all go to stopped operators stop
   * early, and the input queued for them is dropped. An operator that also feeds something still
   * running (another branch, a side input) goes on.
   */
  private void stopEarly(OperatorState limited, int port) {
    Set<OperatorState> stopped = new HashSet<>();
    // Operators are in topological order: walking back from the limited one, each operator's
    // consumers have all been decided before it is.
    for (int id = limited.id; id >= 0; id--) {
      OperatorState state = ops.get(id);
      boolean unwanted = state == limited
          ? limited.feedsOnly(port)
          : !state.distinctDownstream.isEmpty() && stopped.containsAll(state.distinctDownstream);
      if (unwanted && !state.finished && state.op instanceof StopsEarly stops) {
        stops.stopEarly();
        state.stats.stoppedEarly();
        while (!state.inputQueue.isEmpty()) {
          Block dropped = state.inputQueue.poll();
          state.taken(dropped);
          dropped.release();
        }
        stopped.add(state);
      }
    }
  }

  /**
   * Hands the memory left beside what running tasks reserve to the operators that buffer outputs,
   * downstream first (see MemoryAllocator); the off-heap budget likewise.
   */
  private void updateMemoryBudgets() {
    List<OperatorState> producers = new ArrayList<>();
    for (int i = ops.size() - 1; i >= 0; i--) {
      OperatorState state = ops.get(i);
      if (!state.finished && !state.distinctDownstream.isEmpty()) {
        producers.add(state);
      }
    }
    long[] usage = new long[producers.size()];
    long[] offHeapUsage = new long[producers.size()];
    for (int i = 0; i < usage.length; i++) {
      usage[i] = producers.get(i).memoryUsageBytes();
      offHeapUsage[i] = producers.get(i).offHeapUsageBytes();
    }
    long total = Math.max(0, config.limits().memoryBytes() - inUse.memoryBytes());
    long[] budgets = MemoryAllocator.budgets(total, usage);
    long[] offHeapBudgets = MemoryAllocator.budgets(config.offHeapBytes(), offHeapUsage);
    for (int i = 0; i < budgets.length; i++) {
      producers.get(i).memoryBudget = budgets[i];
      producers.get(i).offHeapBudget = offHeapBudgets[i];
    }
  }

  private boolean dispatch() {
    updateMemoryBudgets();
    boolean dispatched = false;
    while (true) {
      OperatorState best = null;
      for (OperatorState state : ops) {
        if (isRunnable(state) && policiesAllow(state) && ranksBefore(state, best)) {
          best = state;
        }
      }
      if (best == null && riderTask == null) {
        riderOp = riderWaitingForCpus();
        riderTask = riderOp == null ? null : submitTask(riderOp);
        if (riderTask != null) {
          dispatched = true;
          continue;
        }
      }
      if (best == null || submitTask(best) == null) {
        noteWhoWaitsForCpus();
        return dispatched;
      }
      dispatched = true;
    }
  }

  /**
   * The first-ranked operator that waits only for CPUs and may ride along: one task at a time runs
   * beside the CPU tasks, for one piece of work, rather than wait for one of them to end. Two kinds
   * may:
   *
   * <ul>
   *   <li>Short tasks (see {@link #RIDE_ALONG_MAX_MEAN_TASK_NANOS}). A cheap step after a GPU stage
   *       (a count's keying: 189 tasks of 0.04 ms in a run) otherwise ended a read task each time,
   *       and each hand-over left a core idle about 0.8 ms; beside two busy cores it takes a few
   *       percent of one for a moment.
   *   <li>The feeder of a CPU actor pool whose input runs low. The actors hold the CPUs while they
   *       have input and the pool ranks first (it holds less downstream), so the read otherwise
   *       started only once they ran dry, and they idled while it ran.
   * </ul>
   */
  private OperatorState riderWaitingForCpus() {
    OperatorState best = null;
    for (OperatorState state : ops) {
      if ((hasShortTasks(state) || feedsACpuPoolRunningLow(state)) && isRunnable(state) && waitsOnlyForCpus(state)
          && ranksBefore(state, best)) {
        best = state;
      }
    }
    return best;
  }

  /** Whether a working CPU actor pool it feeds has no more input queued than one of its tasks brings. */
  private static boolean feedsACpuPoolRunningLow(OperatorState feeder) {
    for (OperatorState consumer : feeder.distinctDownstream) {
      if (consumer.op instanceof HoldsResources pool && pool.workerResources().gpus() == 0
          && pool.workerResources().cpus() > 0 && consumer.running > 0
          && consumer.queuedBytes <= feeder.expectedTaskOutputBytes()) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasShortTasks(OperatorState state) {
    long tasks = state.stats.tasks();
    return tasks >= RIDE_ALONG_MIN_TASKS && state.stats.taskNanos() / tasks <= RIDE_ALONG_MAX_MEAN_TASK_NANOS;
  }

  /** Takes in what continuing tasks finished since the last turn; returns whether there was any. */
  private boolean collectFinishedPieces() {
    boolean collected = false;
    for (OperatorState state : continuers) {
      int pieces = fromOperator(state, ((ContinuesTasks) state.op)::collectFinishedPieces);
      state.stats.continued(pieces);
      collected |= pieces > 0;
    }
    return collected;
  }

  /**
   * Lets operators whose tasks can go on past their current piece of work do so where the policies
   * would start another of their tasks, judged after this turn's output is queued downstream and
   * this turn's tasks started, as dispatch judges. While another operator that ranks first waits
   * for CPUs, one task fewer goes on each turn, so that it ends and frees its CPUs, as it would
   * between tasks.
   */
  private void letTasksGoOn() {
    long now = clock.getAsLong();
    for (OperatorState state : continuers) {
      if (state.running == 0 || state.finished) {
        continue;
      }
      int mayGoOn = tasksThatMayGoOn(state, now);
      inOperator(state, () -> ((ContinuesTasks) state.op).letTasksGoOn(mayGoOn));
    }
  }

  private int tasksThatMayGoOn(OperatorState state, long now) {
    // One at a time, as dispatch starts tasks: each piece let go on adds its output to the queues.
    int mayGoOn = 0;
    while (mayGoOn < state.running && configuredPoliciesAllow(new OperatorState.PiecesDone(state, mayGoOn + 1))) {
      mayGoOn++;
    }
    // A rider ends after its piece (one task fewer goes on), as does a task another operator waits for.
    boolean oneEnds = (riderTask != null && riderOp == state) || othersWaitForCpus(state, now, 0);
    return oneEnds ? Math.min(mayGoOn, state.running - 1) : mayGoOn;
  }

  /**
   * Notes, per operator, the policy holding it back while it has work to start (for progress
   * reports), and times how long each policy does so (as Ray Data counts an operator's time in
   * backpressure), for its stats.
   */
  private void noteWhoIsHeldBack() {
    long now = clock.getAsLong();
    for (OperatorState state : ops) {
      BackpressurePolicy policy = isRunnable(state) ? holdingBack(state) : null;
      String by = policy == null ? null : policy.name();
      if (!Objects.equals(by, state.heldBackBy)) {
        if (state.heldBackBy != null) {
          state.stats.heldBack(state.heldBackBy, now - state.heldBackSinceNanos);
        }
        state.heldBackBy = by;
        state.heldBackSinceNanos = now;
      }
    }
  }

  /** For {@link #othersWaitForCpus}: only operators that hold resources or go on past a piece are asked. */
  private void noteWhoWaitsForCpus() {
    if (holders.isEmpty() && continuers.isEmpty()) {
      return;
    }
    long now = clock.getAsLong();
    for (OperatorState state : ops) {
      // Short tasks ride along (see riderWaitingForCpus): nobody need end a task for them.
      if (!hasShortTasks(state) && isRunnable(state) && waitsOnlyForCpus(state)) {
        if (state.waitingForCpusSinceNanos < 0) {
          state.waitingForCpusSinceNanos = now;
        }
      } else {
        state.waitingForCpusSinceNanos = -1;
      }
    }
  }

  /**
   * Whether an operator other than {@code holder} has waited at least {@code minWaitNanos} for CPUs
   * that running tasks hold, and would get what the holder frees: it ranks first (see {@link
   * #ranksBefore}).
   */
  private boolean othersWaitForCpus(OperatorState holder, long now, long minWaitNanos) {
    for (OperatorState state : ops) {
      if (state != holder && state.waitingForCpusSinceNanos >= 0 && ranksBefore(state, holder)
          && now - state.waitingForCpusSinceNanos >= minWaitNanos) {
        return true;
      }
    }
    return false;
  }

  /** Whether the operator would start a task but for the CPUs running tasks hold. */
  private boolean waitsOnlyForCpus(OperatorState state) {
    if (resourceBudget.canStartTask(state)) {
      return false;
    }
    ExecutionResources withoutCpus = new ExecutionResources(0, inUse.gpus(), inUse.memoryBytes());
    return withoutCpus.add(state.op.taskResources()).fitsWithin(config.limits()) && configuredPoliciesAllow(state);
  }

  /** Liveness: with nothing running, let the most downstream runnable operator go. */
  private boolean dispatchDespiteBackpressure() {
    for (int i = ops.size() - 1; i >= 0; i--) {
      OperatorState state = ops.get(i);
      if (isRunnable(state) && submit(state)) {
        return true;
      }
    }
    return false;
  }

  private boolean isRunnable(OperatorState state) {
    return !state.finished && state.pendingPrerequisites == 0 && fromOperator(state, state.op::hasTask);
  }

  /** Calls into an operator: what it throws is that operator's failure, named so. */
  private static <T> T fromOperator(OperatorState state, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw new OperatorFailedException(state.op.name(), e);
    }
  }

  private static void inOperator(OperatorState state, Runnable call) {
    fromOperator(state, () -> {
      call.run();
      return null;
    });
  }

  @Override
  public ExecutionResources limits() {
    return config.limits();
  }

  @Override
  public ExecutionResources inUse() {
    return inUse;
  }

  @Override
  public int runningTasks() {
    return runningTasks;
  }

  private boolean policiesAllow(OperatorState state) {
    return resourceBudget.canStartTask(state) && configuredPoliciesAllow(state);
  }

  private boolean configuredPoliciesAllow(OperatorLoad state) {
    for (BackpressurePolicy policy : config.policies()) {
      if (!policy.canStartTask(state)) {
        return false;
      }
    }
    return true;
  }

  private static boolean ranksBefore(OperatorState candidate, OperatorState best) {
    if (best == null) {
      return true;
    }
    long a = candidate.downstreamQueuedBytes();
    long b = best.downstreamQueuedBytes();
    return a < b || (a == b && candidate.id > best.id);
  }

  private boolean submit(OperatorState state) {
    return submitTask(state) != null;
  }

  /** Starts the operator's next task; returns it, or null if it had none. */
  private Task submitTask(OperatorState state) {
    Task task = fromOperator(state, state.op::pollTask);
    if (task == null) {
      return null;
    }
    state.running++;
    state.waitingForCpusSinceNanos = -1; // it got them: a wait for the next task starts afresh
    runningTasks++;
    inUse = inUse.add(state.op.taskResources());
    runOnWorker(state, task);
    return task;
  }

  /** Runs {@code task} on a worker thread; its outcome comes back through the completion queue. */
  private void runOnWorker(OperatorState state, Task task) {
    workers.execute(() -> {
      Throwable error = null;
      long started = System.nanoTime();
      try {
        task.run();
      } catch (Throwable t) {
        error = t;
      }
      completions.offer(new Completion(state, task, error, started, System.nanoTime() - started));
    });
  }

  private Throwable shutDown(Throwable failure, boolean awaitWorkers) {
    workers.shutdownNow();
    if (awaitWorkers) {
      Throwable notStopped = awaitWorkers();
      if (notStopped != null) {
        failure = addError(failure, notStopped);
      }
    }
    for (OperatorState state : ops) {
      // Blocks a failed or cancelled run leaves queued (none after a success) free what they hold off the heap.
      state.inputQueue.forEach(Block::release);
      state.inputQueue.clear();
      try {
        state.op.close();
      } catch (Exception e) {
        failure = addError(failure, new OperatorFailedException(state.op.name(), e));
      }
    }
    try {
      spills.close(); // what was spilled and not read back: on failure, or left by cancelled tasks
    } catch (Exception e) {
      failure = addError(failure, e);
    }
    return failure;
  }

  /** Waits for the worker threads to end; returns why they did not, or null. */
  private Throwable awaitWorkers() {
    try {
      return workers.awaitTermination(WORKER_SHUTDOWN_SECONDS, TimeUnit.SECONDS) ? null
          : new IllegalStateException("worker threads did not stop within " + WORKER_SHUTDOWN_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  private static Throwable addError(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * One line per operator: done or running, tasks in flight, rows in and out so far, and the policy
   * holding back one that has work (as Ray's "[backpressured]").
   */
  /**
   * As Ray Data's progress bars: the run's resources in use against its limits and its queued bytes
   * against the memory budgets, then per operator its tasks (and actors), rows, pace and queue, and
   * the policy holding it back, if one does.
   */
  private String progress() {
    double seconds = wallNanos() / 1e9;
    ExecutionResources limits = config.limits();
    String spilled = spills.spilledBlocks() == 0 ? ""
        : "; " + spills.spilledBlocks() + " blocks (" + ByteSizes.format(spills.spilledBytes()) + ") spilled";
    // A short task riding along (see riderWaitingForCpus) runs beside the CPU limit.
    String rider = riderTask == null ? "" : " (one short task rides along beside the limit)";
    StringBuilder out = new StringBuilder(String.format(
        "progress after %.0f s: %s/%s CPUs%s, %s/%s GPUs in use; queued %s of a %s memory budget, %s of %s off the "
            + "heap%s%n",
        seconds, count(inUse.cpus()), count(limits.cpus()), rider, count(inUse.gpus()), count(limits.gpus()),
        ByteSizes.format(queuedBytes(MemoryPool.HEAP)), ByteSizes.format(limits.memoryBytes()),
        ByteSizes.format(queuedBytes(MemoryPool.OFF_HEAP)), ByteSizes.format(config.offHeapBytes()), spilled));
    for (OperatorState state : ops) {
      String actors = !(state.op instanceof HoldsResources pool) ? ""
          : pool.workers() == 1 ? "1 actor, " : pool.workers() + " actors, ";
      out.append(String.format("  %-10s %s: %s%d running, %d tasks done, %d rows in, %d rows out (%.0f/s), "
          + "input queue %s%s%n",
          state.finished ? "[done]" : "[running]", state.op.name(), actors, state.running, state.stats.tasks(),
          state.stats.rowsIn(), state.stats.rowsOut(), seconds > 0 ? state.stats.rowsOut() / seconds : 0,
          ByteSizes.format(state.queuedBytes), state.heldBackBy == null ? "" : "; held back by " + state.heldBackBy));
    }
    return out.toString();
  }

  /** A resource count as people write it: 2, 0.5. */
  private static String count(double amount) {
    return amount == Math.rint(amount) ? String.valueOf((long) amount) : String.valueOf(amount);
  }

  /** Each unfinished operator, and what it is waiting for. */
  private String describe() {
    StringBuilder out = new StringBuilder();
    for (OperatorState state : ops) {
      if (!state.finished) {
        out.append(String.format("  %s: %s; %d running, %d blocks queued in, %d upstream edges open%n",
            state.op.name(), waitingFor(state), state.running, state.inputQueue.size(), state.openUpstreamEdges));
      }
    }
    return out.toString();
  }

  private String waitingFor(OperatorState state) {
    if (state.pendingPrerequisites > 0) {
      return "waits for " + state.pendingPrerequisites + " side input(s) to be materialised";
    }
    if (!state.op.hasTask()) {
      return state.running > 0 ? "waits for its running tasks" : "waits for input";
    }
    BackpressurePolicy holding = holdingBack(state);
    return holding == null ? "has work and may run" : "has work but is held back by " + holding.whyHeldBack(state);
  }

  /** The first policy that would not start the operator's next task now, or null if all would. */
  private BackpressurePolicy holdingBack(OperatorState state) {
    if (!resourceBudget.canStartTask(state)) {
      return resourceBudget;
    }
    for (BackpressurePolicy policy : config.policies()) {
      if (!policy.canStartTask(state)) {
        return policy;
      }
    }
    return null;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Grants from the run's resources to {@code state}'s workers, within its share of the GPUs. */
  private ResourceGrants grantsFor(OperatorState state) {
    return new ResourceGrants() {
      @Override
      public Grant tryAcquire(ExecutionResources resources) {
        if (!inUse.add(resources).fitsWithin(config.limits())
            || (resources.gpus() > 0 && state.heldGpus + resources.gpus() > state.gpuShare + 1e-9)) {
          return null;
        }
        List<Integer> deviceIds = devices.allocate(resources.gpus());
        if (deviceIds == null) {
          return null;
        }
        inUse = inUse.add(resources);
        state.heldGpus += resources.gpus();
        return new Grant(resources, deviceIds);
      }

      @Override
      public void release(Grant grant) {
        inUse = inUse.subtract(grant.resources());
        state.heldGpus -= grant.resources().gpus();
        devices.release(grant.deviceIds(), grant.resources().gpus());
      }
    };
  }

  private record Completion(OperatorState op, Task task, Throwable error, long startedNanos, long nanos) {
    static final Completion WAKE_UP = new Completion(null, null, null, 0, 0);
  }
}
