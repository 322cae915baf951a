package io.sluice.runner.engine.actor;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.HoldsResources;
import io.sluice.runner.engine.operator.OutputQueue;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.operator.Task;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.ResourceGrants;
import io.sluice.runner.engine.resource.ResourceGrants.Grant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Runs a stateful user function on a pool of long-lived actors, each with its own instance and
 * holding its resources (and GPU devices) from start to stop. Input blocks are assigned to actors
 * up to {@code maxTasksInFlightPerActor} each, so an actor's next block is waiting when it finishes
 * one; the {@link ActorPoolAutoscaler} resizes the pool each turn, and the pool shrinks to zero
 * once its input is exhausted. Starting (the user's setup), work and stopping (teardown) all run as
 * tasks on worker threads; every field here belongs to the scheduling thread.
 */
public final class ActorPoolOperator implements PhysicalOperator, HoldsResources {
  private enum State { GRANTED, STARTING, READY, STOP_REQUESTED, STOPPING }

  private final String name;
  private final ActorFactory factory;
  private final ActorPoolConfig config;
  private final ExecutionResources actorResources;
  private final ActorPoolAutoscaler autoscaler;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
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
   * @param downscaleDelayNanos how long an actor must be surplus before it is stopped
   */
  public ActorPoolOperator(String name, ActorFactory factory, ActorPoolConfig config,
      ExecutionResources actorResources, long downscaleDelayNanos) {
    this.name = name;
    this.factory = factory;
    this.config = config;
    this.actorResources = actorResources;
    this.autoscaler = new ActorPoolAutoscaler(config, downscaleDelayNanos);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsInput() {
    // Enough to keep the largest pool busy: the autoscaler sizes the pool by this backlog.
    return !inputFinished && inputs.size() < Math.max(2, config.maxSize() * config.maxTasksInFlightPerActor());
  }

  @Override
  public void addInput(Block block) {
    inputSeen = true;
    inputs.add(block);
    assign();
  }

  @Override
  public void finishInput() {
    inputFinished = true;
  }

  @Override
  public boolean hasTask() {
    for (Slot slot : slots) {
      if (slot.state == State.GRANTED || slot.state == State.STOP_REQUESTED
          || (slot.state == State.READY && !slot.busy && !slot.assigned.isEmpty())) {
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
    for (Slot slot : slots) {
      if (slot.state == State.READY && !slot.busy && !slot.assigned.isEmpty()) {
        slot.busy = true;
        return new WorkTask(slot, slot.assigned.poll());
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
      rowsProcessed += work.input.rows();
      outputs.addAll(work.result);
    } else {
      Slot slot = ((StopTask) task).slot;
      slots.remove(slot);
      released.add(slot.grant);
    }
    assign();
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

  /** Actor tasks hold nothing of their own: the actor holds the resources. */
  @Override
  public ExecutionResources taskResources() {
    return ExecutionResources.ZERO;
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
    for (int i = 0; i < delta; i++) {
      Grant grant = grants.tryAcquire(actorResources);
      if (grant == null) {
        break;
      }
      slots.add(new Slot(nextActorIndex++, grant));
      changed = true;
    }
    peakActors = Math.max(peakActors, workers());
    for (Iterator<Slot> it = slots.iterator(); it.hasNext() && delta < 0; ) {
      Slot slot = it.next();
      if (slot.state == State.READY && !slot.busy && slot.assigned.isEmpty()) {
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

  private int tasksInFlight() {
    int n = 0;
    for (Slot slot : slots) {
      n += slot.assigned.size() + (slot.busy ? 1 : 0);
    }
    return n;
  }

  /** Hands waiting blocks to ready actors, least loaded first, up to their in-flight limit. */
  private void assign() {
    while (!inputs.isEmpty()) {
      Slot target = null;
      int targetLoad = Integer.MAX_VALUE;
      for (Slot slot : slots) {
        int load = slot.assigned.size() + (slot.busy ? 1 : 0);
        if (slot.state == State.READY && load < config.maxTasksInFlightPerActor() && load < targetLoad) {
          target = slot;
          targetLoad = load;
        }
      }
      if (target == null) {
        return;
      }
      target.assigned.add(inputs.poll());
    }
  }

  private static final class Slot {
    final int index;
    final Grant grant;
    final ArrayDeque<Block> assigned = new ArrayDeque<>();
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
    final Block input;
    List<OutputBlock> result;
    long nanos;

    WorkTask(Slot slot, Block input) {
      this.slot = slot;
      this.input = input;
    }

    @Override
    public void run() throws Exception {
      long start = System.nanoTime();
      result = slot.actor.apply(input);
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
