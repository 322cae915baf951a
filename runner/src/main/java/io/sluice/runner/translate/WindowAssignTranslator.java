package io.sluice.runner.translate;

import io.sluice.runner.plan.WindowAssignSpec;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.windowing.Window;

final class WindowAssignTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    Window.Assign<?> assign = (Window.Assign<?>) transform.getTransform();
    context.emit(new WindowAssignSpec(transform.getFullName(), TranslationContext.mainInput(transform),
        TranslationContext.output(transform), assign.getWindowFn()));
  }
}
