package io.sluice.runner.engine.actor;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.HoldsResources;
import io.sluice.runner.engine.operator.OutputQueue;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.operator.Task;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.ResourceGrants;
import io.sluice.runner.engine.resource.ResourceGrants.Grant;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Runs a stateful user function on a pool of long-lived actors, each with its own instance and
 * holding its GPU devices and memory from start to stop (its CPUs only while it works). An actor
 * that finishes a bundle gets the next in the same scheduling turn, cut then from whatever has
 * queued up (see {@link Bundling}): bundles grow with the backlog instead of being fixed when
 * blocks arrive. The {@link
 * ActorPoolAutoscaler} resizes the pool each turn, counting queued work up to {@code
 * maxTasksInFlightPerActor} per actor as in flight, and the pool shrinks to zero once its input is
 * exhausted. Starting (the user's setup), work and stopping (teardown) all run as tasks on worker
 * threads; every field here belongs to the scheduling thread.
 */
public final class ActorPoolOperator implements PhysicalOperator, HoldsResources {
  private enum State { GRANTED, STARTING, READY, STOP_REQUESTED, STOPPING }

  private final String name;
  private final ActorFactory factory;
  private final ActorPoolConfig config;
  private final ExecutionResources actorResources;
  private final ActorPoolAutoscaler autoscaler;
  private final Bundling bundling;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
  private long queuedRows;
  private final OutputQueue outputs = new OutputQueue();
  private final List<Slot> slots = new ArrayList<>();
  private final List<Grant> released = new ArrayList<>();
  private boolean inputSeen;
  private boolean inputFinished;
  private int nextActorIndex;
  private int peakActors;
  private long workNanos;
  private long rowsProcessed;

  /**
   * @param actorResources what each actor holds while it lives
   * @param bundling how input is cut into bundles
   * @param downscaleDelayNanos how long an actor must be surplus before it is stopped
   */
  public ActorPoolOperator(String name, ActorFactory factory, ActorPoolConfig config,
      ExecutionResources actorResources, Bundling bundling, long downscaleDelayNanos) {
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
    // Enough to keep the largest pool busy (the autoscaler sizes the pool by this backlog), and
    // always a whole batch, however small the blocks.
    return !inputFinished && (inputs.size() < Math.max(2, config.maxSize() * config.maxTasksInFlightPerActor())
        || queuedRows < bundling.batchRows());
  }

  @Override
  public void addInput(Block block) {
    inputSeen = true;
    inputs.add(block);
    queuedRows += block.rows();
  }

  @Override
  public void finishInput() {
    inputFinished = true;
  }

  @Override
  public boolean hasTask() {
    for (Slot slot : slots) {
      if (slot.state == State.GRANTED || slot.state == State.STOP_REQUESTED
          || (slot.state == State.READY && !slot.busy && bundling.nextBundleRows(queuedRows, inputFinished) > 0)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Task pollTask() {
    for (Slot slot : slots) {
      if (slot.state == State.GRANTED) {
        slot.state = State.STARTING;
        return new StartTask(slot);
      }
    }
    int bundleRows = bundling.nextBundleRows(queuedRows, inputFinished);
    for (Slot slot : slots) {
      if (bundleRows > 0 && slot.state == State.READY && !slot.busy) {
        slot.busy = true;
        return new WorkTask(slot, takeRows(bundleRows));
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
      workNanos += work.nanos;
      for (Block block : work.bundle) {
        rowsProcessed += block.rows();
      }
      outputs.addAll(work.result);
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

  @Override
  public OutputBlock pollOutput() {
    return outputs.poll();
  }

  @Override
  public boolean isFinished() {
    return inputFinished && inputs.isEmpty() && slots.isEmpty() && released.isEmpty() && outputs.isEmpty();
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
  public boolean rescale(ResourceGrants grants, long nowNanos) {
    boolean changed = !released.isEmpty();
    for (Grant grant : released) {
      grants.release(grant);
    }
    released.clear();
    int delta = autoscaler.decide(new ActorPoolAutoscaler.PoolState(
        workers(), count(State.GRANTED) + count(State.STARTING), tasksInFlight(), inputs.size(), inputSeen,
        inputFinished), nowNanos);
    ExecutionResources heldForLife = new ExecutionResources(0, actorResources.gpus(), actorResources.memoryBytes());
    for (int i = 0; i < delta; i++) {
      Grant grant = grants.tryAcquire(heldForLife);
      if (grant == null) {
        break;
      }
      slots.add(new Slot(nextActorIndex++, grant));
      changed = true;
    }
    peakActors = Math.max(peakActors, workers());
    for (Iterator<Slot> it = slots.iterator(); it.hasNext() && delta < 0; ) {
      Slot slot = it.next();
      if (slot.state == State.READY && !slot.busy) {
        slot.state = State.STOP_REQUESTED;
        delta++;
        changed = true;
      }
    }
    return changed;
  }

  @Override
  public double nanosPerRow() {
    return rowsProcessed == 0 ? Double.NaN : (double) workNanos / rowsProcessed;
  }

  @Override
  public int workers() {
    return count(State.GRANTED) + count(State.STARTING) + count(State.READY);
  }

  /** The most actors alive at once so far. */
  public int peakActors() {
    return peakActors;
  }

  /** Closes actors still up after a failure or cancellation, and hands back their resources' ids. */
  @Override
  public void close() throws Exception {
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

  private int count(State state) {
    int n = 0;
    for (Slot slot : slots) {
      if (slot.state == state) {
        n++;
      }
    }
    return n;
  }

  /** Running bundles, plus queued blocks up to what ready actors could hold behind them. */
  private int tasksInFlight() {
    int busy = 0;
    int ready = 0;
    for (Slot slot : slots) {
      if (slot.state == State.READY) {
        ready++;
        busy += slot.busy ? 1 : 0;
      }
    }
    return busy + Math.min(inputs.size(), ready * (config.maxTasksInFlightPerActor() - 1));
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
    State state = State.GRANTED;
    Actor actor;
    boolean busy;

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
      slot.actor = factory.start(slot.index, slot.grant.deviceIds());
    }
  }

  private static final class WorkTask implements Task {
    final Slot slot;
    final List<Block> bundle;
    List<OutputBlock> result;
    long nanos;

    WorkTask(Slot slot, List<Block> bundle) {
      this.slot = slot;
      this.bundle = bundle;
    }

    @Override
    public void run() throws Exception {
      long start = System.nanoTime();
      List<Block> loaded = new ArrayList<>(bundle.size());
      for (Block block : bundle) {
        loaded.add(SpilledBlock.inMemory(block));
      }
      result = slot.actor.apply(loaded);
      nanos = System.nanoTime() - start;
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
