package io.sluice.runner.engine.operator;

/**
 * An operator that measures how long its input takes it, so that the executor can tell how much
 * work waits in its queue, not only how many bytes.
 */
public interface MeasuresRowCost {
  /** Measured worker time per input row, or NaN before any row was processed. */
  double nanosPerRow();

  /** Sums the time finished work took and the input rows it covered; owned by the scheduling thread. */
  final class Meter {
    private long nanos;
    private long rows;

    public void add(long workNanos, long inputRows) {
      nanos += workNanos;
      rows += inputRows;
    }

    /** See {@link MeasuresRowCost#nanosPerRow}. */
    public double nanosPerRow() {
      return rows == 0 ? Double.NaN : (double) nanos / rows;
    }
  }
}
