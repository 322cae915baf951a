package io.sluice.runner.engine.actor;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.CoreYield;
import io.sluice.runner.engine.operator.HoldsResources;
import io.sluice.runner.engine.operator.MeasuresRowCost;
import io.sluice.runner.engine.operator.OutputQueue;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.operator.RequestsTurns;
import io.sluice.runner.engine.operator.RetriesTasks;
import io.sluice.runner.engine.operator.StopsEarly;
import io.sluice.runner.engine.operator.Task;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.ResourceGrants;
import io.sluice.runner.engine.resource.ResourceGrants.Grant;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs a stateful user function on a pool of long-lived actors, each with its own instance and
 * holding its GPU devices and memory from start to stop (its CPUs only while it works). Bundles are
 * cut from whatever has queued (see {@link Bundling}), so they grow with the backlog. While an actor
 * works, up to {@code maxTasksInFlightPerActor - 1} further bundles are handed to it, and its task
 * runs them straight after the current one without going back to the scheduler: an actor is never
 * idle waiting for the scheduling thread on a busy machine. Each finished bundle's output is
 * handed back at once, with a request for a scheduling turn that collects it and hands over the
 * next bundle, so a task keeps its actor busy for as long as input lasts. The {@link ActorPoolAutoscaler}
 * resizes the pool each turn, and the pool shrinks to zero once its input is exhausted. Starting
 * (the user's setup), work and stopping (teardown) all run as tasks on worker threads; apart from
 * each actor's hand-over queue, every field here belongs to the scheduling thread.
 *
 * <p>With retries, a bundle of rows whose run fails goes back to the pool's queue, with the bundles
 * handed to the same actor behind it, and the actor that threw is replaced by a new one on the same
 * devices: as Beam does, a user function that threw is torn down, not reused.
 */
public final class ActorPoolOperator
    implements PhysicalOperator, HoldsResources, StopsEarly, RequestsTurns, RetriesTasks {
  /** RESTARTING: its actor threw and is to be replaced, holding on to its grant. */
  private enum State { GRANTED, STARTING, RESTARTING, READY, STOP_REQUESTED, STOPPING }

  /**
   * How the pool behaves beyond its size and bundles.
   *
   * @param coreYield what this pool asks CPU tasks to do while its actors are the bottleneck: hand
   *     their cores over often, so that an actor waking from its device gets one at once
   * @param retries how many times a failed bundle runs again, on a new actor, before the failure
   *     fails the run
   */
  public record Behaviour(CoreYield coreYield, Retries retries) {
    public static final Behaviour DEFAULT = new Behaviour(CoreYield.NEVER, Retries.NONE);
  }

  /** Blocks run as one bundle, and which run of them this is: 1 for the first. */
  private record Bundle(List<Block> blocks, int attempt) {
    long rows() {
      long rows = 0;
      for (Block block : blocks) {
        rows += block.rows();
      }
      return rows;
    }
  }

  private final String name;
  private final ActorFactory factory;
  private final ActorPoolConfig config;
  private final ExecutionResources actorResources;
  private final ActorPoolAutoscaler autoscaler;
  private final Bundling bundling;
  private final Retries retries;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
  /** Bundles to run again, before any new one is cut. */
  private final ArrayDeque<Bundle> toRetry = new ArrayDeque<>();
  private long queuedRows;
  private final OutputQueue outputs = new OutputQueue();
  private final List<Slot> slots = new ArrayList<>();
  private final List<Grant> released = new ArrayList<>();
  private boolean inputSeen;
  private boolean inputFinished;
  private boolean stopped;
  private int nextActorIndex;
  private final MeasuresRowCost.Meter rowCost = new MeasuresRowCost.Meter();
  private Runnable requestTurn = () -> {};
  private boolean cpusWantedElsewhere;
  private final CoreYield coreYield;
  private boolean askingForCores;

  /**
   * @param actorResources what each actor holds while it lives
   * @param bundling how input is cut into bundles
   * @param downscaleDelayNanos how long an actor must be surplus before it is stopped
   */
  public ActorPoolOperator(String name, ActorFactory factory, ActorPoolConfig config,
      ExecutionResources actorResources, Bundling bundling, long downscaleDelayNanos) {
    this(name, factory, config, actorResources, bundling, downscaleDelayNanos, Behaviour.DEFAULT);
  }

  public ActorPoolOperator(String name, ActorFactory factory, ActorPoolConfig config,
      ExecutionResources actorResources, Bundling bundling, long downscaleDelayNanos, Behaviour behaviour) {
    this.coreYield = behaviour.coreYield();
    this.retries = behaviour.retries();
    this.name = name;
    this.factory = factory;
    this.config = config;
    this.actorResources = actorResources;
    this.bundling = bundling;
    this.autoscaler = new ActorPoolAutoscaler(config, downscaleDelayNanos);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsInput() {
    if (stopped) {
      return true;
    }
    // Enough to keep the largest pool busy (the autoscaler sizes the pool by this backlog), and
    // always a whole batch, however small the blocks.
    return !inputFinished && (inputs.size() < Math.max(2, config.maxSize() * config.maxTasksInFlightPerActor())
        || queuedRows < bundling.batchRows());
  }

  @Override
  public void addInput(Block block) {
    if (stopped) {
      block.release(); // no longer wanted: a stopped operator takes what is still in flight and drops it
      return;
    }
    inputSeen = true;
    inputs.add(block);
    queuedRows += block.rows();
  }

  @Override
  public void finishInput() {
    inputFinished = true;
  }

  @Override
  public void turnsBy(Runnable requestTurn) {
    this.requestTurn = requestTurn;
  }

  /** Drops the input not yet handed to an actor; bundles already handed over still run. */
  @Override
  public void stopEarly() {
    stopped = true;
    askForCores(false);
    inputs.forEach(Block::release);
    inputs.clear();
    queuedRows = 0;
    toRetry.forEach(bundle -> bundle.blocks().forEach(Block::release));
    toRetry.clear();
  }

  @Override
  public boolean hasTask() {
    for (Slot slot : slots) {
      if (slot.state == State.GRANTED || slot.state == State.RESTARTING || slot.state == State.STOP_REQUESTED
          || (slot.state == State.READY && !slot.busy && (!slot.handedOver.isEmpty() || !toRetry.isEmpty()
              || bundling.nextBundleRows(queuedRows, inputFinished, nanosPerRow()) > 0))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Task pollTask() {
    for (Slot slot : slots) {
      if (slot.state == State.GRANTED || slot.state == State.RESTARTING) {
        slot.state = State.STARTING;
        return new StartTask(slot);
      }
    }
    for (Slot slot : slots) {
      if (slot.state == State.READY && !slot.busy && !slot.handedOver.isEmpty()) {
        slot.busy = true; // a bundle handed over after its last task had looked for one
        slot.runningSince = System.nanoTime();
        return new WorkTask(slot, slot.handedOver.poll());
      }
    }
    for (Slot slot : slots) {
      if (slot.state == State.READY && !slot.busy) {
        Bundle bundle = nextBundle();
        if (bundle == null) {
          break;
        }
        slot.busy = true;
        slot.hold(bundle);
        slot.runningSince = System.nanoTime(); // until its task starts the bundle
        return new WorkTask(slot, bundle);
      }
    }
    for (Slot slot : slots) {
      if (slot.state == State.STOP_REQUESTED) {
        slot.state = State.STOPPING;
        return new StopTask(slot);
      }
    }
    return null;
  }

  @Override
  public void taskCompleted(Task task) {
    if (task instanceof StartTask start) {
      start.slot.state = State.READY;
    } else if (task instanceof WorkTask work) {
      work.slot.busy = false;
      collectFinishedBundles(work.slot);
    } else {
      Slot slot = ((StopTask) task).slot;
      slots.remove(slot);
      released.add(slot.grant);
    }
  }

  @Override
  public void taskFailed(Task task, Throwable error) {
    // The run fails; close() stops whatever actors are still up.
    if (task instanceof StopTask stop) {
      slots.remove(stop.slot);
      released.add(stop.slot.grant);
    } else if (task instanceof StartTask start) {
      start.slot.state = State.STOPPING; // nothing to close
    }
  }

  /**
   * Puts a failed bundle of rows back in the queue, ahead of new input, with the bundles handed to
   * the same actor behind it, and has the actor replaced; what it finished before stands.
   */
  @Override
  public boolean retry(Task failed, Throwable error) {
    if (!(failed instanceof WorkTask work) || stopped) {
      return false;
    }
    Bundle bundle = work.running;
    if (bundle == null || !retries.allowAnother(name, bundle.attempt(), error)) {
      return false;
    }
    // A columnar batch is handed over to the function and gone.
    if (!bundle.blocks().stream().allMatch(block -> block instanceof RowBlock<?>)) {
      return false;
    }
    retries.listener().retrying(name, bundle.attempt(), error);
    Slot slot = work.slot;
    collectFinishedBundles(slot);
    toRetry.add(new Bundle(bundle.blocks(), bundle.attempt() + 1));
    for (Bundle notRun; (notRun = slot.handedOver.poll()) != null; ) {
      toRetry.add(notRun);
    }
    slot.inFlight = 0;
    slot.heldRows = 0;
    slot.busy = false;
    slot.state = State.RESTARTING;
    return true;
  }

  @Override
  public OutputBlock pollOutput() {
    return outputs.poll();
  }

  @Override
  public boolean isFinished() {
    return inputFinished && inputs.isEmpty() && toRetry.isEmpty() && slots.isEmpty() && released.isEmpty() && outputs.isEmpty();
  }

  /**
   * An actor's CPUs are held by its tasks, not by the actor: CPU time is shared, and an idle actor
   * uses none, so a pool waiting for input must not starve the producers it waits on. Its GPUs
   * (concrete devices) and memory are held for the actor's whole life (see {@link #rescale}).
   */
  @Override
  public ExecutionResources taskResources() {
    return ExecutionResources.cpus(actorResources.cpus());
  }

  @Override
  public ExecutionResources workerResources() {
    return actorResources;
  }

  @Override
  public void cpusWantedElsewhere(boolean wanted) {
    cpusWantedElsewhere = wanted;
  }

  @Override
  public boolean rescale(ResourceGrants grants, long nowNanos) {
    boolean changed = !released.isEmpty();
    for (Grant grant : released) {
      grants.release(grant);
    }
    released.clear();
    for (Slot slot : slots) {
      changed |= collectFinishedBundles(slot);
    }
    handOverNextBundles();
    askForCores(actorsAreTheBottleneck());
    int delta = autoscaler.decide(new ActorPoolAutoscaler.PoolState(
        workers(), startingActors(), tasksInFlight(), queuedBundles(), inputSeen, inputFinished), nowNanos);
    ExecutionResources heldForLife = new ExecutionResources(0, actorResources.gpus(), actorResources.memoryBytes());
    for (int i = 0; i < delta; i++) {
      Grant grant = grants.tryAcquire(heldForLife);
      if (grant == null) {
        break;
      }
      slots.add(new Slot(nextActorIndex++, grant));
      changed = true;
    }
    for (Iterator<Slot> it = slots.iterator(); it.hasNext() && delta < 0; ) {
      Slot slot = it.next();
      if (slot.state == State.READY && !slot.busy && slot.inFlight == 0) {
        slot.state = State.STOP_REQUESTED;
        delta++;
        changed = true;
      }
    }
    return changed;
  }

  @Override
  public double nanosPerRow() {
    return rowCost.nanosPerRow();
  }

  @Override
  public int workers() {
    return startingActors() + count(State.READY);
  }

  /** Closes actors still up after a failure or cancellation, and hands back their resources' ids. */
  @Override
  public void close() throws Exception {
    askForCores(false);
    Exception first = null;
    for (Slot slot : slots) {
      if (slot.actor != null && slot.state != State.STOPPING) {
        try {
          slot.actor.close();
        } catch (Exception e) {
          if (first == null) {
            first = e;
          }
        }
      }
    }
    slots.clear();
    if (first != null) {
      throw first;
    }
  }

  /** Every started actor works and has its next bundle waiting: the actors hold the run back. */
  private boolean actorsAreTheBottleneck() {
    boolean any = false;
    boolean eachHasNext = true;
    for (Slot slot : slots) {
      if (slot.state == State.READY) {
        if (!slot.busy) {
          return false;
        }
        any = true;
        eachHasNext &= slot.inFlight > 1;
      }
    }
    return any && (eachHasNext || queuedRows > 0);
  }

  private void askForCores(boolean asking) {
    if (asking != askingForCores) {
      askingForCores = asking;
      coreYield.ask(asking);
    }
  }

  private int startingActors() {
    return count(State.GRANTED) + count(State.STARTING) + count(State.RESTARTING);
  }

  /** Queued input blocks, and bundles waiting to run again. */
  private int queuedBundles() {
    return inputs.size() + toRetry.size();
  }

  private int count(State state) {
    int n = 0;
    for (Slot slot : slots) {
      if (slot.state == state) {
        n++;
      }
    }
    return n;
  }

  /** Takes in the output of the bundles the slot's task has finished so far; true if there were any. */
  private boolean collectFinishedBundles(Slot slot) {
    boolean any = false;
    for (FinishedBundle finished; (finished = slot.finished.poll()) != null; ) {
      slot.inFlight--;
      slot.heldRows -= finished.rows();
      rowCost.add(finished.nanos(), finished.rows());
      outputs.addAll(finished.outputs());
      any = true;
    }
    return any;
  }

  /**
   * Gives working actors with room their next bundles, each to the actor expected to be free
   * first, which its running task picks up; none while another operator waits for the CPUs the
   * running tasks hold, so that they end and free them. Handing bundles to the first actor in turn
   * instead put the last bundle of a run behind a batch that had just started on one GPU while the
   * other GPU was about to finish: the run ended a batch later (8 ms of 2 s).
   */
  private void handOverNextBundles() {
    if (cpusWantedElsewhere) {
      return;
    }
    double nanosPerRow = nanosPerRow();
    while (true) {
      Slot soonestFree = null;
      for (Slot slot : slots) {
        if (slot.state == State.READY && slot.busy && slot.inFlight < config.maxTasksInFlightPerActor()
            && (soonestFree == null || slot.freeAt(nanosPerRow) < soonestFree.freeAt(nanosPerRow))) {
          soonestFree = slot;
        }
      }
      Bundle bundle = soonestFree == null ? null : nextBundle();
      if (bundle == null) {
        return;
      }
      soonestFree.handedOver.add(bundle);
      soonestFree.hold(bundle);
    }
  }

  /** Bundles running or handed over, plus queued blocks up to what ready actors could still take. */
  private int tasksInFlight() {
    int inFlight = 0;
    int room = 0;
    for (Slot slot : slots) {
      if (slot.state == State.READY) {
        inFlight += slot.inFlight;
        room += config.maxTasksInFlightPerActor() - slot.inFlight;
      }
    }
    return inFlight + Math.min(queuedBundles(), room);
  }

  /** A bundle to run again, else one cut from the queue; null if none is due yet. */
  private Bundle nextBundle() {
    Bundle again = toRetry.poll();
    if (again != null) {
      return again;
    }
    int bundleRows = bundling.nextBundleRows(queuedRows, inputFinished, nanosPerRow());
    return bundleRows == 0 ? null : new Bundle(takeRows(bundleRows), 1);
  }

  /** The first {@code rows} queued rows, slicing the last block they reach into. */
  private List<Block> takeRows(int rows) {
    List<Block> bundle = new ArrayList<>();
    int needed = rows;
    while (needed > 0) {
      Block head = inputs.poll();
      if (head.rows() <= needed) {
        bundle.add(head);
        needed -= head.rows();
      } else {
        bundle.add(head.slice(0, needed));
        inputs.addFirst(head.slice(needed, head.rows()));
        needed = 0;
      }
    }
    queuedRows -= rows;
    return bundle;
  }

  private static final class Slot {
    final int index;
    final Grant grant;
    /** Bundles handed to the actor's running task; read by that task's worker thread. */
    final ConcurrentLinkedQueue<Bundle> handedOver = new ConcurrentLinkedQueue<>();
    /** Bundles the actor's task has run, waiting for the scheduling thread to collect them. */
    final ConcurrentLinkedQueue<FinishedBundle> finished = new ConcurrentLinkedQueue<>();
    State state = State.GRANTED;
    Actor actor;
    boolean busy;
    /** Bundles running or handed over and not yet reported done, and their rows. */
    int inFlight;
    long heldRows;
    /** When the bundle the actor's task runs now started (System.nanoTime), set by that task. */
    volatile long runningSince;

    void hold(Bundle bundle) {
      inFlight++;
      heldRows += bundle.rows();
    }

    /**
     * When the actor should have run all it holds, at the pool's measured cost per row; with none
     * measured yet, the actor holding the fewest rows counts as the first free.
     */
    double freeAt(double nanosPerRow) {
      return nanosPerRow > 0 ? runningSince + heldRows * nanosPerRow : heldRows;
    }

    Slot(int index, Grant grant) {
      this.index = index;
      this.grant = grant;
    }
  }

  private final class StartTask implements Task {
    final Slot slot;

    StartTask(Slot slot) {
      this.slot = slot;
    }

    @Override
    public void run() throws Exception {
      // Written on the worker, read on the scheduling thread after the completion hand-off.
      Actor failed = slot.actor; // when restarting: the actor that threw goes first
      slot.actor = null;
      if (failed != null) {
        failed.close();
      }
      slot.actor = factory.start(slot.index, slot.grant.deviceIds());
    }
  }

  private record FinishedBundle(List<OutputBlock> outputs, long rows, long nanos) {}

  /**
   * Runs a bundle, then any handed over meanwhile, on the actor, handing back each one's output as
   * it finishes.
   */
  private final class WorkTask implements Task {
    final Slot slot;
    final Bundle bundle;
    /** The bundle being run, as the actor got it (read back if it was spilled): for a retry. */
    volatile Bundle running;

    WorkTask(Slot slot, Bundle bundle) {
      this.slot = slot;
      this.bundle = bundle;
    }

    @Override
    public void run() throws Exception {
      Bundle next = bundle;
      while (next != null) {
        running = null; // a bundle that fails to load has not run
        long start = System.nanoTime();
        slot.runningSince = start;
        List<Block> loaded = new ArrayList<>(next.blocks().size());
        for (Block block : next.blocks()) {
          loaded.add(SpilledBlock.inMemory(block));
        }
        running = new Bundle(loaded, next.attempt());
        slot.finished.add(new FinishedBundle(slot.actor.apply(loaded), next.rows(), System.nanoTime() - start));
        next = slot.handedOver.poll();
        if (next != null) {
          requestTurn.run(); // ending, the task's completion brings the turn itself
        }
      }
    }
  }

  private static final class StopTask implements Task {
    final Slot slot;

    StopTask(Slot slot) {
      this.slot = slot;
    }

    @Override
    public void run() throws Exception {
      slot.actor.close();
    }
  }
}
