package io.sluice.runner.beam;

import java.io.Closeable;
import java.util.concurrent.Callable;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/**
 * Metrics of a run. Every task reports into its own containers; a task that succeeds is merged
 * into both committed and attempted, one that fails into attempted only.
 */
public final class RunMetrics {
  private final MetricsContainerStepMap attempted = new MetricsContainerStepMap();
  private final MetricsContainerStepMap committed = new MetricsContainerStepMap();

  synchronized void merge(TaskMetrics task, boolean succeeded) {
    MetricsContainerStepMap taskMetrics = task.flush();
    attempted.updateAll(taskMetrics);
    if (succeeded) {
      committed.updateAll(taskMetrics);
    }
  }

  /**
   * Runs one task's user code of a single transform with a fresh metrics container for it, and
   * merges what it reported according to its outcome.
   */
  public <T> T runScoped(String transform, Callable<T> work) throws Exception {
    TaskMetrics taskMetrics = new TaskMetrics();
    boolean succeeded = false;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(taskMetrics.containerFor(transform))) {
      T result = work.call();
      succeeded = true;
      return result;
    } finally {
      merge(taskMetrics, succeeded);
    }
  }

  public synchronized MetricResults results() {
    MetricsContainerStepMap attemptedCopy = new MetricsContainerStepMap();
    attemptedCopy.updateAll(attempted);
    MetricsContainerStepMap committedCopy = new MetricsContainerStepMap();
    committedCopy.updateAll(committed);
    return MetricsContainerStepMap.asMetricResults(attemptedCopy, committedCopy);
  }
}
