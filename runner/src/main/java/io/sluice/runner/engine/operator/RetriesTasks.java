package io.sluice.runner.engine.operator;

/**
 * An operator that may run a failed task again instead of failing the run: a transient failure (a
 * service that timed out, say) then costs a retry, as a Beam runner retries a failed bundle. The
 * executor asks after {@link PhysicalOperator#taskFailed}; the task's partial output is dropped.
 */
public interface RetriesTasks {
  /**
   * Whether {@code failed} will run again (its input is queued anew for a new task). False leaves
   * the failure to fail the run; the operator may add a note to {@code error} saying why.
   */
  boolean retry(Task failed, Throwable error);

  /** How many times tasks may run again, and who hears of each retry. */
  record Retries(int maxRetries, Listener listener) {
    public static final Retries NONE = new Retries(0, (operator, attempt, error) -> {});

    public Retries {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be 0 or more, was " + maxRetries);
      }
    }

    /**
     * Whether a task of {@code operator} that failed on its {@code attempt}-th run may run again.
     * When retries are on but spent, notes on the failure's root cause (runners report the user's
     * own exception, unwrapped) that the task failed on each of its attempts.
     */
    public boolean allowAnother(String operator, int attempt, Throwable error) {
      if (maxRetries == 0) {
        return false;
      }
      if (attempt <= maxRetries) {
        return true;
      }
      Throwable root = error;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      root.addSuppressed(new RetriesExhausted(operator + ": the task failed on each of its " + attempt + " attempts"));
      return false;
    }
  }

  /** Says, on a task's final failure, that it had been retried. */
  final class RetriesExhausted extends RuntimeException {
    RetriesExhausted(String message) {
      super(message, null, false, false);
    }
  }

  /** Hears that a task of {@code operator} failed on its {@code attempt}-th run and will run again. */
  interface Listener {
    void retrying(String operator, int attempt, Throwable error);
  }
}
