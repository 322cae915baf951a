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

/** A metrics container that hands every request to another one, chosen by the subclass. */
abstract class ForwardingMetricsContainer implements MetricsContainer {
  abstract MetricsContainer target();

  @Override
  public Counter getCounter(MetricName name) {
    return target().getCounter(name);
  }

  @Override
  public Counter getPerWorkerCounter(MetricName name) {
    return target().getPerWorkerCounter(name);
  }

  @Override
  public Distribution getDistribution(MetricName name) {
    return target().getDistribution(name);
  }

  @Override
  public Gauge getGauge(MetricName name) {
    return target().getGauge(name);
  }

  @Override
  public StringSet getStringSet(MetricName name) {
    return target().getStringSet(name);
  }

  @Override
  public BoundedTrie getBoundedTrie(MetricName name) {
    return target().getBoundedTrie(name);
  }

  @Override
  public Histogram getHistogram(MetricName name, HistogramData.BucketType bucketType) {
    return target().getHistogram(name, bucketType);
  }
}
