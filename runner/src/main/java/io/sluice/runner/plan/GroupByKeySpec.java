package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/**
 * GroupByKey. With {@code keyedWorkItems}, each key's values leave as one KeyedWorkItem instead of
 * per-window iterables: the grouping step of splittable DoFns run through keyed work items.
 */
public record GroupByKeySpec(String name, PCollection<?> input, PCollection<?> output, boolean keyedWorkItems)
    implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }
}
