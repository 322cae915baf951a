package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.List;

/** What a {@link MapOperator} does to one input block; runs on worker threads, concurrently. */
public interface BlockFunction extends AutoCloseable {
  List<OutputBlock> apply(Block input) throws Exception;

  @Override
  default void close() throws Exception {}
}
