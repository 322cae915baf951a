package io.sluice.runner.beam;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;

/**
 * One task's container for one transform, remembering cells by the identity of their MetricName.
 * User code keeps its metric objects (and so their names) across elements, while MetricName hashes
 * its strings and labels anew on every lookup; a counter bumped per element then costs a field read
 * instead. Confined to the task's thread, like the container it wraps.
 */
final class CachingMetricsContainer extends ForwardingMetricsContainer {
  private final MetricsContainer delegate;
  private final Map<MetricName, Counter> counters = new IdentityHashMap<>();
  private final Map<MetricName, Distribution> distributions = new IdentityHashMap<>();
  /** Per-element counters are nearly always one name at a time; checked before the map. */
  private MetricName lastCounterName;
  private Counter lastCounter;

  CachingMetricsContainer(MetricsContainer delegate) {
    this.delegate = delegate;
  }

  @Override
  public Counter getCounter(MetricName name) {
    if (name == lastCounterName) {
      return lastCounter;
    }
    Counter counter = counters.get(name);
    if (counter == null) {
      counter = delegate.getCounter(name);
      counters.put(name, counter);
    }
    lastCounterName = name;
    lastCounter = counter;
    return counter;
  }

  @Override
  public Distribution getDistribution(MetricName name) {
    Distribution distribution = distributions.get(name);
    if (distribution == null) {
      distribution = delegate.getDistribution(name);
      distributions.put(name, distribution);
    }
    return distribution;
  }

  @Override
  MetricsContainer target() {
    return delegate;
  }
}
