package io.sluice.runner.translate;

import io.sluice.runner.plan.SplittableProcessSpec;
import java.util.LinkedHashMap;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessElements;
import org.apache.beam.sdk.runners.AppliedPTransform;

final class SplittableProcessTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    ProcessElements<?, ?, ?, ?, ?> process = (ProcessElements<?, ?, ?, ?, ?>) transform.getTransform();
    context.emit(new SplittableProcessSpec(transform.getFullName(), process, TranslationContext.mainInput(transform),
        new LinkedHashMap<>(transform.getOutputs()), process.getSideInputs()));
  }
}
