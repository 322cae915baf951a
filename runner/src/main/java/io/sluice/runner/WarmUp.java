package io.sluice.runner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.values.WindowedValues;
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

  /**
   * Loads every kind of {@code WindowedValue} (and window) before a run's hot code is compiled. The
   * JIT compiles the per-element path assuming the value classes loaded so far are all there are;
   * the first step to make another kind (a combine's result carries a timestamp: {@code
   * TimestampedValueInGlobalWindow}) then invalidates all of it at once, and it is compiled again
   * while the run goes on: 0.8-2 s of compiler time on 2 cores, measured in a second run whose
   * first run loaded that class at its end. Cheap after the first call; returns the classes loaded.
   */
  static List<Class<?>> loadValueClasses() {
    return ValueClasses.LOADED;
  }

  private static final class ValueClasses {
    static final List<Class<?>> LOADED = load();

    private static List<Class<?>> load() {
      List<Class<?>> loaded = new ArrayList<>(Arrays.asList(WindowedValues.class.getDeclaredClasses()));
      loaded.add(IntervalWindow.class);
      return List.copyOf(loaded);
    }
  }

  private static void run() {
    try {
      loadValueClasses();
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
