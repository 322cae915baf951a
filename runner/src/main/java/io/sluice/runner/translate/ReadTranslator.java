package io.sluice.runner.translate;

import io.sluice.runner.plan.ReadSpec;
import java.io.IOException;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.ReadTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/** A bounded primitive Read; unbounded reads are rejected with the transform's name. */
final class ReadTranslator implements TransformTranslator {
  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) throws IOException {
    PCollection<?> output = TranslationContext.output(transform);
    if (output.isBounded() != PCollection.IsBounded.BOUNDED) {
      throw new UnsupportedOperationException("SluiceRunner runs bounded pipelines only, but '"
          + transform.getFullName() + "' reads an unbounded source");
    }
    context.emit(new ReadSpec(transform.getFullName(), sourceOf(transform), output));
  }

  /** The source, taken from the transform where its class is known: the proto route serializes it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BoundedSource<?> sourceOf(AppliedPTransform<?, ?, ?> transform) throws IOException {
    if (transform.getTransform() instanceof SplittableParDo.PrimitiveBoundedRead<?> primitive) {
      return primitive.getSource();
    }
    if (transform.getTransform() instanceof Read.Bounded<?> read) {
      return read.getSource();
    }
    AppliedPTransform<PBegin, PCollection<Object>, PTransform<PBegin, PCollection<Object>>> read =
        (AppliedPTransform) transform;
    return ReadTranslation.boundedSourceFromTransform(read);
  }
}
