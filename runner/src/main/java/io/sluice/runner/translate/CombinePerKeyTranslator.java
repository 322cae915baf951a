package io.sluice.runner.translate;

import io.sluice.runner.plan.CombinePerKeySpec;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;

/**
 * Combine.PerKey with combiner lifting. Declines (so Beam's GroupByKey + Combine.GroupedValues
 * expansion runs instead) wherever a (key, window) may fire more than once or at another time than
 * the end of its window, and for combine functions that read side inputs.
 */
final class CombinePerKeyTranslator implements TransformTranslator {
  @Override
  public boolean canTranslate(AppliedPTransform<?, ?, ?> transform) {
    if (!(transform.getTransform() instanceof Combine.PerKey<?, ?, ?> perKey)) {
      return false;
    }
    if (!(perKey.getFn() instanceof Combine.CombineFn) || !perKey.getSideInputs().isEmpty()) {
      return false;
    }
    WindowingStrategy<?, ?> strategy = TranslationContext.mainInput(transform).getWindowingStrategy();
    return strategy.getWindowFn().isNonMerging()
        && strategy.getTrigger() instanceof DefaultTrigger
        && strategy.getAllowedLateness().equals(Duration.ZERO)
        && strategy.getTimestampCombiner() == TimestampCombiner.END_OF_WINDOW;
  }

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    Combine.PerKey<?, ?, ?> perKey = (Combine.PerKey<?, ?, ?>) transform.getTransform();
    PCollection<?> input = TranslationContext.mainInput(transform);
    context.emit(new CombinePerKeySpec(transform.getFullName(), (Combine.CombineFn<?, ?, ?>) perKey.getFn(),
        input, TranslationContext.output(transform)));
  }
}
