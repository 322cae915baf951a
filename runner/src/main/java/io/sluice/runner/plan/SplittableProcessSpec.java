package io.sluice.runner.plan;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * A splittable DoFn run through keyed work items (residuals checkpointed in state, resumed by
 * timers): for SDFs the naive in-place expansion cannot run, such as unbounded-per-element ones or
 * ones that finalize bundles. Its input is already grouped, one work item per key.
 */
public record SplittableProcessSpec(
    String name,
    ProcessElements<?, ?, ?, ?, ?> transform,
    PCollection<?> input,
    Map<TupleTag<?>, PCollection<?>> outputs,
    List<PCollectionView<?>> sideInputs)
    implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }
}
