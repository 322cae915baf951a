package io.sluice.runner;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time JVM work every first run pays whatever the pipeline: ByteBuddy's start-up for DoFn
 * invokers (about 180 ms here), Java serialization (DoFn copies), DoFn signature parsing and the
 * transform translator registry. Beam creates the runner registrar when PipelineOptionsFactory is
 * first used, which is before the user builds the pipeline; starting this there lets it overlap
 * with pipeline construction instead of delaying the first {@code run()}. Best effort: a failure
 * only means the first run pays the cost itself.
 */
final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private WarmUp() {}

  static void startOnce() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(WarmUp::run, "warm-up-for-sluice");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  private static void run() {
    try {
      PTransformTranslation.urnForTransformOrNull(Impulse.create());
      DoFnInvokers.invokerFor(SerializableUtils.clone(new IdentityFn()));
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("warm-up failed; the first run will do this work itself", e);
    }
  }

  private static final class IdentityFn extends DoFn<Object, Object> {
    @ProcessElement
    public void process(@Element Object element, OutputReceiver<Object> out) {
      out.output(element);
    }
  }
}
