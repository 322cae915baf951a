package io.sluice.runner.engine.actor;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.List;

/**
 * A long-lived worker with its own user-function instance. The pool calls it from one task at a
 * time, on whichever worker thread runs the task; it is closed when the pool scales it away, or,
 * once {@link #apply} has thrown and the bundle is to run again, before a new one takes its place.
 */
public interface Actor extends AutoCloseable {
  /** Runs one bundle: the blocks in order. */
  List<OutputBlock> apply(List<Block> bundle) throws Exception;

  @Override
  void close() throws Exception;
}
