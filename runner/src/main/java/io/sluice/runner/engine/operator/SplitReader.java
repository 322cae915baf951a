package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.List;

/**
 * One independently readable part of a source. {@link #readSome} returns a few blocks at a time so
 * that a long split yields to the scheduler between calls instead of holding a worker to the end.
 * Never called by two threads at once.
 */
public interface SplitReader extends AutoCloseable {
  List<OutputBlock> readSome() throws Exception;

  boolean isDone();

  @Override
  default void close() throws Exception {}
}
