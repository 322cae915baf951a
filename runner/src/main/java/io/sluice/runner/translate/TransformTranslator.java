package io.sluice.runner.translate;

import org.apache.beam.sdk.runners.AppliedPTransform;

/** Translates one kind of Beam transform (one URN) into plan specs. Emits specs only. */
public interface TransformTranslator {
  /** Lets a specialised translator decline, so the transform is expanded or a generic one is used. */
  default boolean canTranslate(AppliedPTransform<?, ?, ?> transform) {
    return true;
  }

  void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) throws Exception;
}
