package io.sluice.runner.beam;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricsContainer;

/**
 * The metrics one task reports, a container per transform, until {@link RunMetrics} merges them
 * when the task ends. Confined to the task's thread: counters add into plain fields and reach
 * Beam's atomic cells once, at the merge.
 */
final class TaskMetrics {
  private final MetricsContainerStepMap containers = new MetricsContainerStepMap();
  private final List<CachingMetricsContainer> handedOut = new ArrayList<>();

  /** The container this task reports {@code transform}'s metrics into. */
  MetricsContainer containerFor(String transform) {
    CachingMetricsContainer container = new CachingMetricsContainer(containers.getContainer(transform));
    handedOut.add(container);
    return container;
  }

  /** Everything reported so far, with buffered counts written through. */
  MetricsContainerStepMap flush() {
    for (CachingMetricsContainer container : handedOut) {
      container.flush();
    }
    return containers;
  }
}
