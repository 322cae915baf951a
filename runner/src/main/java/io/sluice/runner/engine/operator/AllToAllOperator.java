package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Partitions input blocks as they arrive (one task per block), and once all input is partitioned
 * runs one reduce task per non-empty partition. Group-by-key, combine and keyed state all run on it.
 * Partition tasks run concurrently, but their pieces are assembled in the order the input blocks
 * arrived, so a key's elements reach the reducer in arrival order.
 */
public final class AllToAllOperator implements PhysicalOperator {
  private final String name;
  private final Exchange exchange;
  private final ArrayDeque<Block> inputs = new ArrayDeque<>();
  private final List<List<Block>> partitions = new ArrayList<>();
  /** Partitioned pieces by input sequence number, until every earlier block has been placed too. */
  private final Map<Long, Block[]> outOfOrder = new HashMap<>();
  private long nextSequence;
  private long nextToPlace;
  private final ArrayDeque<Integer> reducible = new ArrayDeque<>();
  private final OutputQueue outputs = new OutputQueue();
  private final int maxConcurrency;
  private boolean inputFinished;
  private boolean reducePhase;
  private int running;

  public AllToAllOperator(String name, Exchange exchange, int maxConcurrency) {
    this.name = name;
    this.exchange = exchange;
    this.maxConcurrency = maxConcurrency;
    for (int i = 0; i < exchange.partitions(); i++) {
      partitions.add(new ArrayList<>());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsInput() {
    return !inputFinished && inputs.size() < Math.max(2, maxConcurrency);
  }

  @Override
  public void addInput(Block block) {
    inputs.add(block);
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
    Block input = inputs.poll();
    if (input != null) {
      running++;
      return new PartitionTask(input, nextSequence++);
    }
    Integer partition = reducible.poll();
    if (partition != null) {
      running++;
      List<Block> blocks = partitions.get(partition);
      partitions.set(partition, List.of()); // the reduce task owns them now
      return new ReduceTask(partition, blocks);
    }
    return null;
  }

  @Override
  public void taskCompleted(Task task) {
    running--;
    if (task instanceof PartitionTask partitioned) {
      outOfOrder.put(partitioned.sequence, partitioned.result);
      Block[] parts;
      while ((parts = outOfOrder.remove(nextToPlace)) != null) {
        nextToPlace++;
        for (int i = 0; i < parts.length; i++) {
          if (parts[i] != null && parts[i].rows() > 0) {
            partitions.get(i).add(parts[i]);
          }
        }
      }
      startReducingIfReady();
    } else {
      outputs.addAll(((ReduceTask) task).result);
    }
  }

  @Override
  public void taskFailed(Task task, Throwable error) {
    running--;
  }

  private void startReducingIfReady() {
    if (!reducePhase && inputFinished && inputs.isEmpty() && running == 0) {
      reducePhase = true;
      for (int i = 0; i < partitions.size(); i++) {
        if (!partitions.get(i).isEmpty()) {
          reducible.add(i);
        }
      }
    }
  }

  @Override
  public OutputBlock pollOutput() {
    return outputs.poll();
  }

  @Override
  public boolean isFinished() {
    return reducePhase && reducible.isEmpty() && running == 0 && outputs.isEmpty();
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  @Override
  public void close() throws Exception {
    exchange.close();
  }

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
      result = exchange.partition(input);
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
