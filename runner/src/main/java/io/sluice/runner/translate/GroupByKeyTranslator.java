package io.sluice.runner.translate;

import io.sluice.runner.plan.GroupByKeySpec;
import org.apache.beam.sdk.runners.AppliedPTransform;

final class GroupByKeyTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    context.emit(new GroupByKeySpec(transform.getFullName(), TranslationContext.mainInput(transform),
        TranslationContext.output(transform)));
  }
}
