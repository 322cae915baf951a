package io.sluice.runner.translate;

import io.sluice.runner.plan.ReadSpec;
import java.io.IOException;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.ReadTranslation;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/** A bounded primitive Read; unbounded reads are rejected with the transform's name. */
final class ReadTranslator implements TransformTranslator {
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) throws IOException {
    PCollection<?> output = TranslationContext.output(transform);
    if (output.isBounded() != PCollection.IsBounded.BOUNDED) {
      throw new UnsupportedOperationException("SluiceRunner runs bounded pipelines only, but '"
          + transform.getFullName() + "' reads an unbounded source");
    }
    AppliedPTransform<PBegin, PCollection<Object>, PTransform<PBegin, PCollection<Object>>> read =
        (AppliedPTransform) transform;
    context.emit(new ReadSpec(transform.getFullName(), ReadTranslation.boundedSourceFromTransform(read), output));
  }
}
