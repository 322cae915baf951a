package io.sluice.runner.beam;

import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.util.SerializableUtils;

/** DoFn lifecycle: each instance is a deserialised copy of the user's DoFn, set up once. */
final class DoFnInstances {
  private DoFnInstances() {}

  @SuppressWarnings("unchecked")
  static <I, O> DoFn<I, O> setUp(DoFn<?, ?> prototype, PipelineOptions options) {
    DoFn<I, O> fn = (DoFn<I, O>) SerializableUtils.clone(prototype);
    DoFnInvokers.tryInvokeSetupFor(fn, options);
    return fn;
  }

  /** Runs the bundle-finalization callbacks of a bundle whose output has been committed. */
  static void finalizeBundle(InMemoryBundleFinalizer finalizer, String transform) {
    for (InMemoryBundleFinalizer.Finalization finalization : finalizer.getAndClearFinalizations()) {
      try {
        finalization.getCallback().onBundleSuccess();
      } catch (Exception e) {
        throw TransformFailedException.attribute(transform, e);
      }
    }
  }

  static void tearDown(DoFn<?, ?> fn, Throwable failure) {
    try {
      DoFnInvokers.invokerFor(fn).invokeTeardown();
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        throw e;
      }
    }
  }
}
