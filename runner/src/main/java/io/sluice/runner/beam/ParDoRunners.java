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
    if (ElementDoFnRunner.handles(spec)) {
      return new ElementDoFnRunner<>(fn, spec.mainOutput(), output, context.options());
    }
    OutputTags tags = OutputTags.of(spec.outputs(), spec.mainOutput());
    return DoFnRunners.simpleRunner(
        context.options(),
        fn,
        context.sideInputs(),
        output,
        (TupleTag) spec.mainOutput(),
        tags.additional(),
        stepContext,
        (Coder) spec.input().getCoder(),
        tags.coders(),
        spec.input().getWindowingStrategy(),
        spec.schemaInformation(),
        spec.sideInputMapping());
  }

  /** A transform's tagged outputs as Beam's runners take them: the non-main tags, and every tag's coder. */
  record OutputTags(List<TupleTag<?>> additional, Map<TupleTag<?>, Coder<?>> coders) {
    static OutputTags of(Map<TupleTag<?>, PCollection<?>> outputs, TupleTag<?> mainOutput) {
      List<TupleTag<?>> additional = new ArrayList<>();
      Map<TupleTag<?>, Coder<?>> coders = new HashMap<>();
      for (Map.Entry<TupleTag<?>, PCollection<?>> entry : outputs.entrySet()) {
        if (!entry.getKey().equals(mainOutput)) {
          additional.add(entry.getKey());
        }
        coders.put(entry.getKey(), entry.getValue().getCoder());
      }
      return new OutputTags(additional, coders);
    }
  }
}
