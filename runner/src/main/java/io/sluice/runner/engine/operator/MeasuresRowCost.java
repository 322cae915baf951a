package io.sluice.runner.engine.operator;

/**
 * An operator that measures how long its input takes it, so that the executor can tell how much
 * work waits in its queue, not only how many bytes.
 */
public interface MeasuresRowCost {
  /** Measured worker time per input row, or NaN before any row was processed. */
  double nanosPerRow();
}
