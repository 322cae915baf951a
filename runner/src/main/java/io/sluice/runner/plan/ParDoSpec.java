package io.sluice.runner.plan;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * A ParDo. {@code keyed} is set for DoFns with state, timers or time-sorted input: those run on an
 * all-to-all operator partitioned by key; the rest are fused into element-wise stages. {@code
 * execution} says how it wants to run (resources, actor pool, batch size, concurrency cap).
 */
public record ParDoSpec(
    String name,
    DoFn<?, ?> fn,
    PCollection<?> input,
    TupleTag<?> mainOutput,
    Map<TupleTag<?>, PCollection<?>> outputs,
    List<PCollectionView<?>> sideInputs,
    Map<String, PCollectionView<?>> sideInputMapping,
    DoFnSchemaInformation schemaInformation,
    boolean keyed,
    boolean requiresTimeSortedInput,
    Execution execution)
    implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }

  @Override
  public boolean elementWise() {
    return !keyed;
  }
}
