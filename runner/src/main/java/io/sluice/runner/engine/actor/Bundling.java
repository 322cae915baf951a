package io.sluice.runner.engine.actor;

/**
 * How an actor pool cuts its input into bundles. Each bundle holds a whole number of
 * {@code batchRows}-row batches (only the very last may hold fewer), up to {@code maxBundleRows}:
 * a UDF that works in batches of that size then never sees a short batch at a bundle's end, while
 * blocks from upstream may have any size.
 *
 * <p>Once the pool has measured its time per row, bundles are also cut to take about
 * {@code targetBundleNanos}: rows say nothing of the work behind them (a row may expand into many
 * downstream), and when the input runs out, the last bundles set how long the other actors sit
 * idle waiting for the slowest. Until then, bundles hold at most {@value #FIRST_BUNDLE_ROWS} rows
 * (or one batch): the pool learns its pace within milliseconds, and with it how much work its queue
 * holds, which is what keeps producers from running far ahead of it (QueuedWorkPolicy).
 *
 * @param batchRows the UDF's batch size; 1 when it has none
 * @param maxBundleRows the largest bundle, rounded down to whole batches
 * @param targetBundleNanos how long a bundle should take once the time per row is known; 0: no target
 */
public record Bundling(int batchRows, int maxBundleRows, long targetBundleNanos) {
  public static final Bundling NONE = new Bundling(1, Integer.MAX_VALUE, 0);
  static final int FIRST_BUNDLE_ROWS = 64;

  public Bundling {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, was " + batchRows);
    }
    if (maxBundleRows < batchRows) {
      throw new IllegalArgumentException("bundles of " + maxBundleRows + " rows cannot hold a batch of " + batchRows);
    }
    if (targetBundleNanos < 0) {
      throw new IllegalArgumentException("a bundle's target time must be >= 0, was " + targetBundleNanos);
    }
  }

  /** Bundles of whole batches up to {@code maxBundleRows}, with no time target. */
  public Bundling(int batchRows, int maxBundleRows) {
    this(batchRows, maxBundleRows, 0);
  }

  /**
   * Rows for the next bundle when {@code queuedRows} wait: whole batches up to the maximum (and,
   * with {@code nanosPerRow} measured, up to the target time, though never less than a batch), or,
   * once no more input will come, what is left. 0 means wait for more.
   *
   * @param nanosPerRow the pool's measured time per input row; NaN before the first bundle is done
   */
  public int nextBundleRows(long queuedRows, boolean inputFinished, double nanosPerRow) {
    if (queuedRows >= batchRows) {
      long wholeBatches = Math.min(queuedRows, maxRows(nanosPerRow)) / batchRows;
      return (int) (wholeBatches * batchRows);
    }
    return inputFinished ? (int) queuedRows : 0;
  }

  private long maxRows(double nanosPerRow) {
    if (targetBundleNanos == 0) {
      return maxBundleRows;
    }
    if (!(nanosPerRow > 0)) {
      return Math.max(batchRows, Math.min(maxBundleRows, FIRST_BUNDLE_ROWS));
    }
    long forTarget = (long) (targetBundleNanos / nanosPerRow);
    return Math.max(batchRows, Math.min(maxBundleRows, forTarget));
  }
}
