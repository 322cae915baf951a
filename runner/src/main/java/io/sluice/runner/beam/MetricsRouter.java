package io.sluice.runner.beam;

import org.apache.beam.sdk.metrics.BoundedTrie;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Histogram;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.util.HistogramData;

/**
 * The metrics container a fused stage installs once per task. It forwards to the container of the
 * transform whose code is running, which each DoFn node sets in a plain field on entry: switching
 * transforms per element then costs a field write, not a thread-local swap.
 */
final class MetricsRouter implements MetricsContainer {
  private MetricsContainer current;

  /** Routes to {@code next} and returns what was routed to before, for the caller to restore. */
  MetricsContainer enter(MetricsContainer next) {
    MetricsContainer previous = current;
    current = next;
    return previous;
  }

  @Override
  public Counter getCounter(MetricName name) {
    return current.getCounter(name);
  }

  @Override
  public Counter getPerWorkerCounter(MetricName name) {
    return current.getPerWorkerCounter(name);
  }

  @Override
  public Distribution getDistribution(MetricName name) {
    return current.getDistribution(name);
  }

  @Override
  public Gauge getGauge(MetricName name) {
    return current.getGauge(name);
  }

  @Override
  public StringSet getStringSet(MetricName name) {
    return current.getStringSet(name);
  }

  @Override
  public BoundedTrie getBoundedTrie(MetricName name) {
    return current.getBoundedTrie(name);
  }

  @Override
  public Histogram getHistogram(MetricName name, HistogramData.BucketType bucketType) {
    return current.getHistogram(name, bucketType);
  }
}
