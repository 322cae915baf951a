package io.sluice.transforms;

/**
 * Stateless tasks for a function UDF, at most {@code size} at once (Ray Data's {@code concurrency}
 * for functions). Carried as Beam's max_active_bundles_per_worker hint, which SluiceRunner applies
 * as the operator's concurrency cap.
 */
public record TaskPool(int size) {
  public TaskPool {
    if (size < 1) {
      throw new IllegalArgumentException("TaskPool size must be >= 1, was " + size);
    }
  }

  public static TaskPool size(int size) {
    return new TaskPool(size);
  }
}
