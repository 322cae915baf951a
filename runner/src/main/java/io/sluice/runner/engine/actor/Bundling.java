package io.sluice.runner.engine.actor;

/**
 * How an actor pool cuts its input into bundles. Each bundle holds a whole number of
 * {@code batchRows}-row batches (only the very last may hold fewer), up to {@code maxBundleRows}:
 * a UDF that works in batches of that size then never sees a short batch at a bundle's end, while
 * blocks from upstream may have any size.
 *
 * @param batchRows the UDF's batch size; 1 when it has none
 * @param maxBundleRows the largest bundle, rounded down to whole batches
 */
public record Bundling(int batchRows, int maxBundleRows) {
  public static final Bundling NONE = new Bundling(1, Integer.MAX_VALUE);

  public Bundling {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, was " + batchRows);
    }
    if (maxBundleRows < batchRows) {
      throw new IllegalArgumentException("bundles of " + maxBundleRows + " rows cannot hold a batch of " + batchRows);
    }
  }

  /**
   * Rows for the next bundle when {@code queuedRows} wait: whole batches up to the maximum, or,
   * once no more input will come, what is left. 0 means wait for more.
   */
  public int nextBundleRows(long queuedRows, boolean inputFinished) {
    if (queuedRows >= batchRows) {
      long wholeBatches = Math.min(queuedRows, maxBundleRows) / batchRows;
      return (int) (wholeBatches * batchRows);
    }
    return inputFinished ? (int) queuedRows : 0;
  }
}
