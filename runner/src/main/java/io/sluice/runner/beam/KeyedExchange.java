package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.Exchange;

/** An exchange whose map side only routes elements by key; what differs is the reduce side. */
abstract class KeyedExchange implements Exchange {
  final KeyPartitioner partitioner;

  KeyedExchange(KeyPartitioner partitioner) {
    this.partitioner = partitioner;
  }

  @Override
  public final int partitions() {
    return partitioner.partitions();
  }

  @Override
  public final Block[] partition(Block input) {
    return partitioner.partition(input);
  }
}
