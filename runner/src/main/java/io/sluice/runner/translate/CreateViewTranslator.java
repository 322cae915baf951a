package io.sluice.runner.translate;

import io.sluice.runner.plan.FlattenSpec;
import java.util.List;
import org.apache.beam.sdk.runners.AppliedPTransform;

/**
 * A view's collection is its input, unchanged; readers get it through a materialisation that the
 * planner adds for every side input.
 */
final class CreateViewTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    context.emit(new FlattenSpec(transform.getFullName(), List.of(TranslationContext.mainInput(transform)),
        TranslationContext.output(transform)));
  }
}
