package io.sluice.runner.translate;

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
    context.emit(new ParDoSpec(
        transform.getFullName(),
        fn,
        TranslationContext.mainInput(transform),
        parDo.getMainOutputTag(),
        outputs,
        new ArrayList<>(parDo.getSideInputs().values()),
        // From the transform itself: ParDoTranslation's getters build (and serialize) its proto.
        parDo.getSideInputs(),
        ParDo.getDoFnSchemaInformation(fn, TranslationContext.mainInput(transform)),
        keyed,
        timeSorted,
        new Execution(ResourceRequests.of(transform), ResourceRequests.actorPool(transform),
            ResourceRequests.batchSize(transform), ResourceRequests.maxConcurrency(transform))));
  }
}
