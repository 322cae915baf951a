package io.sluice.runner.plan;

import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.List;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/** What a translator emits for one Beam transform: a logical operator, before fusion. */
public sealed interface TransformSpec
    permits ImpulseSpec, ReadSpec, ParDoSpec, WindowAssignSpec, GroupByKeySpec, CombinePerKeySpec, FlattenSpec,
        RebalanceSpec, SplittableProcessSpec {
  /** The Beam transform's full name; errors and metrics use it. */
  String name();

  /** Main inputs (side inputs are not listed here). */
  List<PCollection<?>> inputs();

  /** Side inputs the spec reads; its operator starts only once they are materialised. */
  default List<PCollectionView<?>> sideInputs() {
    return List.of();
  }

  /** How it runs (from Beam resource hints where given): by default tasks holding one CPU each. */
  default Execution execution() {
    return Execution.of(ExecutionResources.cpus(1));
  }

  /** What one task (or actor) of this spec holds while it runs. */
  default ExecutionResources resources() {
    return execution().resources();
  }

  /** Whether the spec works element by element and can be fused with its producer. */
  default boolean elementWise() {
    return false;
  }
}
