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
 * instead. Counters count into a plain field, {@link #flush flushed} into Beam's cell when the task
 * ends: Beam's cell does two atomic writes per increment, which sources such as CountingSource pay
 * per element. Confined to the task's thread, like the container it wraps.
 */
final class CachingMetricsContainer extends ForwardingMetricsContainer {
  private final MetricsContainer delegate;
  private final Map<MetricName, BufferedCounter> counters = new IdentityHashMap<>();
  private final Map<MetricName, Distribution> distributions = new IdentityHashMap<>();
  /** Per-element counters are nearly always one name at a time; checked before the map. */
  private MetricName lastCounterName;
  private BufferedCounter lastCounter;

  CachingMetricsContainer(MetricsContainer delegate) {
    this.delegate = delegate;
  }

  @Override
  public Counter getCounter(MetricName name) {
    if (name == lastCounterName) {
      return lastCounter;
    }
    BufferedCounter counter = counters.get(name);
    if (counter == null) {
      counter = new BufferedCounter(delegate.getCounter(name));
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

  /** Writes buffered counts through to the wrapped container. */
  void flush() {
    for (BufferedCounter counter : counters.values()) {
      counter.flush();
    }
  }

  @Override
  MetricsContainer target() {
    return delegate;
  }

  private static final class BufferedCounter implements Counter {
    private final Counter cell;
    private long pending;

    BufferedCounter(Counter cell) {
      this.cell = cell;
    }

    @Override
    public void inc() {
      pending++;
    }

    @Override
    public void inc(long n) {
      pending += n;
    }

    @Override
    public void dec() {
      pending--;
    }

    @Override
    public void dec(long n) {
      pending -= n;
    }

    @Override
    public MetricName getName() {
      return cell.getName();
    }

    void flush() {
      if (pending != 0) {
        cell.inc(pending);
        pending = 0;
      }
    }
  }
}
