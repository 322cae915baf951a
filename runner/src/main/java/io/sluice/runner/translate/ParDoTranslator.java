package io.sluice.runner.translate;

import io.sluice.runner.ColumnarDoFn;
import io.sluice.runner.plan.Execution;
import io.sluice.runner.plan.ParDoSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/** ParDo.MultiOutput, including the ParDos that splittable DoFns are expanded into. */
final class ParDoTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    ParDo.MultiOutput<?, ?> parDo = (ParDo.MultiOutput<?, ?>) transform.getTransform();
    DoFn<?, ?> fn = parDo.getFn();
    DoFnSignature signature = DoFnSignatures.signatureForDoFn(fn);
    boolean timeSorted = signature.processElement().requiresTimeSortedInput();
    boolean keyed = signature.usesState() || signature.usesTimers() || timeSorted
        || signature.onWindowExpiration() != null;
    Map<TupleTag<?>, PCollection<?>> outputs = new LinkedHashMap<>(transform.getOutputs());
    PCollection<?> input = TranslationContext.mainInput(transform);
    context.emit(new ParDoSpec(
        transform.getFullName(),
        fn,
        input,
        parDo.getMainOutputTag(),
        outputs,
        new ArrayList<>(parDo.getSideInputs().values()),
        // From the transform itself: ParDoTranslation's getters build (and serialize) its proto.
        parDo.getSideInputs(),
        ParDo.getDoFnSchemaInformation(fn, input),
        keyed,
        timeSorted,
        new Execution(ResourceRequests.of(transform), ResourceRequests.actorPool(transform),
            ResourceRequests.batchSize(transform), ResourceRequests.maxConcurrency(transform),
            takesColumns(fn, keyed, input, outputs.size(), parDo.getSideInputs().isEmpty()))));
  }

  /**
   * Whether batches can reach the DoFn as columns: it says it takes them, and nothing asks for
   * elements one by one (a window to batch in, state, side inputs, further outputs).
   */
  private static boolean takesColumns(DoFn<?, ?> fn, boolean keyed, PCollection<?> input, int outputs,
      boolean noSideInputs) {
    return fn instanceof ColumnarDoFn && !keyed && noSideInputs && outputs == 1
        && input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
  }
}
