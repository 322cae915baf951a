package io.sluice.runner.translate;

import io.sluice.runner.plan.ImpulseSpec;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

final class ImpulseTranslator implements TransformTranslator {
  @Override
  @SuppressWarnings("unchecked")
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    context.emit(new ImpulseSpec(transform.getFullName(), (PCollection<byte[]>) TranslationContext.output(transform)));
  }
}
