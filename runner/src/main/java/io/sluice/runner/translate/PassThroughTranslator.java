package io.sluice.runner.translate;

import io.sluice.runner.plan.FlattenSpec;
import java.util.List;
import org.apache.beam.sdk.runners.AppliedPTransform;

/**
 * Transforms whose output is their input: a view's collection (materialised separately for its
 * readers) and Reshuffle/Redistribute, whose rebalancing the block queues already provide.
 */
final class PassThroughTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    context.emit(new FlattenSpec(transform.getFullName(), List.of(TranslationContext.mainInput(transform)),
        TranslationContext.output(transform)));
  }
}
