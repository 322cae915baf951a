package io.sluice.runner.translate;

import io.sluice.runner.plan.FlattenSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;

/** Flatten keeps duplicates: a collection flattened twice is wired twice. */
final class FlattenTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    List<PCollection<?>> inputs = new ArrayList<>(transform.getInputs().values());
    context.emit(new FlattenSpec(transform.getFullName(), inputs, TranslationContext.output(transform)));
  }
}
