package io.sluice.runner.translate;

import io.sluice.runner.plan.RebalanceSpec;
import org.apache.beam.sdk.runners.AppliedPTransform;

/**
 * Reshuffle and Redistribute. On one machine nothing needs to move between workers; what matters is
 * that elements concentrated in few blocks get spread out, and that the consumer is not fused with
 * the producer. Elements keep their timestamps, windows and panes. A {@code BlockCountHint} asks
 * for a given number of output blocks instead (Ray Data's repartition).
 */
final class RebalanceTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    context.emit(new RebalanceSpec(transform.getFullName(), TranslationContext.mainInput(transform),
        TranslationContext.output(transform), ResourceRequests.blockCount(transform)));
  }
}
