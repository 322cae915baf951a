package io.sluice.runner.translate;

import io.sluice.runner.plan.GroupByKeySpec;
import org.apache.beam.sdk.runners.AppliedPTransform;

/** GroupByKey, and the grouping into keyed work items that keyed splittable DoFns start with. */
final class GroupByKeyTranslator implements TransformTranslator {
  private final boolean keyedWorkItems;

  GroupByKeyTranslator(boolean keyedWorkItems) {
    this.keyedWorkItems = keyedWorkItems;
  }

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    context.emit(new GroupByKeySpec(transform.getFullName(), TranslationContext.mainInput(transform),
        TranslationContext.output(transform), keyedWorkItems));
  }
}
