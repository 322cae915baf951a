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

  /**
   * Splits off part of what is left to read as a new split, or returns null when it cannot or sees
   * no need (dynamic work rebalancing: a split whose records turn out to be slow to process is
   * shared with idle workers). Called only between {@link #readSome()} calls.
   */
  default SplitReader splitRemainder() {
    return null;
  }

  /**
   * After a failed {@link #readSome()}, makes the next call read again from the first row of the
   * chunk that failed, for a retry; false when it cannot. The chunks returned before it have been
   * handed on, and the failed chunk's rows were dropped with it, so going on from there loses and
   * repeats nothing.
   */
  default boolean restart() {
    return false;
  }

  @Override
  default void close() throws Exception {}
}
