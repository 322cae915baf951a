package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.resource.ExecutionResources;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.PartitionedBlock;
import io.sluice.runner.engine.spill.SpilledBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Partitions input blocks as they arrive (one task per block, none for a {@link PartitionedBlock}),
 * and once all input is partitioned runs one reduce task per non-empty partition. Group-by-key,
 * combine and keyed state all run on it. Partition tasks run concurrently, but their pieces are
 * assembled in the order the input blocks arrived, so a key's elements reach the reducer in
 * arrival order.
 */
public final class AllToAllOperator extends TaskOperator {
  private final Exchange exchange;
  /** Blocks waiting for a partition task, numbered in arrival order. */
  private final ArrayDeque<Arrival> inputs = new ArrayDeque<>();
  private final List<List<Block>> partitions = new ArrayList<>();
  /** Partitioned pieces by input sequence number, until every earlier block has been placed too. */
  private final Map<Long, Block[]> outOfOrder = new HashMap<>();
  private long nextSequence;
  private long nextToPlace;
  private final ArrayDeque<Integer> reducible = new ArrayDeque<>();
  private boolean inputFinished;
  private boolean reducePhase;

  public AllToAllOperator(String name, Exchange exchange, int maxConcurrency) {
    this(name, exchange, maxConcurrency, ExecutionResources.cpus(1));
  }

  /** @param taskResources what each task holds while it runs */
  public AllToAllOperator(String name, Exchange exchange, int maxConcurrency, ExecutionResources taskResources) {
    super(name, maxConcurrency, taskResources);
    this.exchange = exchange;
    for (int i = 0; i < exchange.partitions(); i++) {
      partitions.add(new ArrayList<>());
    }
  }

  @Override
  public boolean needsInput() {
    return !inputFinished && inputs.size() < Math.max(2, maxConcurrency());
  }

  /** A block its producer already partitioned for this exchange is placed as it is, with no task. */
  @Override
  public void addInput(Block block) {
    if (block instanceof PartitionedBlock partitioned) {
      if (partitioned.partitions() != exchange.partitions()) {
        throw new IllegalStateException(name() + " has " + exchange.partitions() + " partitions, but a block arrived split into "
            + partitioned.partitions());
      }
      place(nextSequence++, partitioned.parts());
      return;
    }
    inputs.add(new Arrival(block, nextSequence++));
  }

  @Override
  public void finishInput() {
    inputFinished = true;
    startReducingIfReady();
  }

  @Override
  public boolean hasTask() {
    return !inputs.isEmpty() || !reducible.isEmpty();
  }

  @Override
  public Task pollTask() {
    Arrival input = inputs.poll();
    if (input != null) {
      return start(new PartitionTask(input.block(), input.sequence()));
    }
    Integer partition = reducible.poll();
    if (partition != null) {
      List<Block> blocks = partitions.get(partition);
      partitions.set(partition, List.of()); // the reduce task owns them now
      return start(new ReduceTask(partition, blocks));
    }
    return null;
  }

  @Override
  void completed(Task task) {
    if (task instanceof PartitionTask partitioned) {
      place(partitioned.sequence, partitioned.result);
      startReducingIfReady();
    } else {
      outputs().addAll(((ReduceTask) task).result);
    }
  }

  /** Adds the parts of input block {@code sequence} to their partitions once every earlier block's are. */
  private void place(long sequence, Block[] split) {
    outOfOrder.put(sequence, split);
    Block[] parts;
    while ((parts = outOfOrder.remove(nextToPlace)) != null) {
      nextToPlace++;
      for (int i = 0; i < parts.length; i++) {
        if (parts[i] != null && parts[i].rows() > 0) {
          partitions.get(i).add(parts[i]);
        }
      }
    }
  }

  private void startReducingIfReady() {
    if (!reducePhase && inputFinished && inputs.isEmpty() && running() == 0) {
      reducePhase = true;
      for (int i = 0; i < partitions.size(); i++) {
        if (!partitions.get(i).isEmpty()) {
          reducible.add(i);
        }
      }
    }
  }

  @Override
  public boolean isFinished() {
    return reducePhase && reducible.isEmpty() && drained();
  }

  @Override
  public void close() throws Exception {
    exchange.close();
  }

  private record Arrival(Block block, long sequence) {}

  private final class PartitionTask implements Task {
    final Block input;
    final long sequence;
    Block[] result;

    PartitionTask(Block input, long sequence) {
      this.input = input;
      this.sequence = sequence;
    }

    @Override
    public void run() throws Exception {
      result = exchange.partition(SpilledBlock.inMemory(input));
    }
  }

  private final class ReduceTask implements Task {
    final int partition;
    final List<Block> blocks;
    List<OutputBlock> result;

    ReduceTask(int partition, List<Block> blocks) {
      this.partition = partition;
      this.blocks = blocks;
    }

    @Override
    public void run() throws Exception {
      result = exchange.reduce(partition, blocks);
    }
  }
}
