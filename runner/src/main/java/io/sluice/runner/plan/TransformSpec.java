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

  /** What one task of this spec holds while it runs (from Beam resource hints where given). */
  default ExecutionResources resources() {
    return ExecutionResources.cpus(1);
  }

  /**
   * Whether the spec runs on long-lived actors holding its resources rather than on tasks: asked
   * for with an actor pool hint, or implied by a GPU request (a model is loaded once per device).
   */
  default boolean runsOnActors() {
    return resources().gpus() > 0;
  }

  /** Whether the spec works element by element and can be fused with its producer. */
  default boolean elementWise() {
    return false;
  }
}
