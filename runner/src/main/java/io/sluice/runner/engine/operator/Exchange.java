package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.List;

/**
 * The two halves of an all-to-all operation. {@link #partition} splits one input block by key (and
 * may pre-aggregate it); {@link #reduce} turns all blocks of one partition into output. Both run on
 * worker threads, concurrently for different blocks and partitions.
 */
public interface Exchange extends AutoCloseable {
  int partitions();

  /** Returns one block (or null for none) per partition. */
  Block[] partition(Block input) throws Exception;

  List<OutputBlock> reduce(int partition, List<Block> blocks) throws Exception;

  @Override
  default void close() throws Exception {}
}
