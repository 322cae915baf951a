package io.sluice.runner.beam;

import org.apache.beam.sdk.metrics.MetricsContainer;

/**
 * The metrics container a fused stage installs once per task. It forwards to the container of the
 * transform whose code is running, which each DoFn node sets in a plain field on entry: switching
 * transforms per element then costs a field write, not a thread-local swap.
 */
final class MetricsRouter extends ForwardingMetricsContainer {
  private MetricsContainer current;

  /** Routes to {@code next} and returns what was routed to before, for the caller to restore. */
  MetricsContainer enter(MetricsContainer next) {
    MetricsContainer previous = current;
    current = next;
    return previous;
  }

  @Override
  MetricsContainer target() {
    return current;
  }
}
