package io.sluice.runner.beam;

import io.sluice.runner.plan.ParDoSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Builds Beam's own DoFnRunner for a ParDo spec. Metrics are not scoped here: the task installs a
 * container once (see {@link MetricsRouter}), never per element.
 */
final class ParDoRunners {
  private ParDoRunners() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static DoFnRunner<Object, Object> create(
      ParDoSpec spec,
      DoFn<Object, Object> fn,
      OperatorContext context,
      WindowedValueMultiReceiver output,
      StepContext stepContext) {
    List<TupleTag<?>> additionalOutputs = new ArrayList<>();
    Map<TupleTag<?>, Coder<?>> outputCoders = new HashMap<>();
    for (Map.Entry<TupleTag<?>, PCollection<?>> entry : spec.outputs().entrySet()) {
      if (!entry.getKey().equals(spec.mainOutput())) {
        additionalOutputs.add(entry.getKey());
      }
      outputCoders.put(entry.getKey(), entry.getValue().getCoder());
    }
    if (ElementDoFnRunner.handles(spec)) {
      return new ElementDoFnRunner<>(fn, spec.mainOutput(), output);
    }
    return DoFnRunners.simpleRunner(
        context.options(),
        fn,
        context.sideInputs(),
        output,
        (TupleTag) spec.mainOutput(),
        additionalOutputs,
        stepContext,
        (Coder) spec.input().getCoder(),
        outputCoders,
        spec.input().getWindowingStrategy(),
        spec.schemaInformation(),
        spec.sideInputMapping());
  }
}
