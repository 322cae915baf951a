package io.sluice.runner.beam;

import io.sluice.runner.plan.ParDoSpec;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/** Builds Beam's own DoFnRunner for a ParDo spec, scoped to the task's metrics container. */
final class ParDoRunners {
  private ParDoRunners() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static DoFnRunner<Object, Object> create(
      ParDoSpec spec,
      DoFn<Object, Object> fn,
      OperatorContext context,
      WindowedValueMultiReceiver output,
      StepContext stepContext,
      Supplier<MetricsContainer> metrics) {
    List<TupleTag<?>> additionalOutputs = new ArrayList<>();
    Map<TupleTag<?>, Coder<?>> outputCoders = new HashMap<>();
    for (Map.Entry<TupleTag<?>, PCollection<?>> entry : spec.outputs().entrySet()) {
      if (!entry.getKey().equals(spec.mainOutput())) {
        additionalOutputs.add(entry.getKey());
      }
      outputCoders.put(entry.getKey(), entry.getValue().getCoder());
    }
    DoFnRunner<Object, Object> runner = DoFnRunners.simpleRunner(
        context.options(),
        fn,
        context.sideInputs(),
        output,
        (TupleTag) spec.mainOutput(),
        additionalOutputs,
        stepContext,
        (Coder) spec.input().getCoder(),
        outputCoders,
        spec.input().getWindowingStrategy(),
        spec.schemaInformation(),
        spec.sideInputMapping());
    return new MetricsScoped<>(runner, metrics);
  }

  /** Sets the task's metrics container around every call into user code. */
  static final class MetricsScoped<I, O> implements DoFnRunner<I, O> {
    private final DoFnRunner<I, O> delegate;
    private final Supplier<MetricsContainer> metrics;

    MetricsScoped(DoFnRunner<I, O> delegate, Supplier<MetricsContainer> metrics) {
      this.delegate = delegate;
      this.metrics = metrics;
    }

    private Closeable scope() {
      return MetricsEnvironment.scopedMetricsContainer(metrics.get());
    }

    @Override
    public void startBundle() {
      try (Closeable ignored = scope()) {
        delegate.startBundle();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void processElement(WindowedValue<I> element) {
      try (Closeable ignored = scope()) {
        delegate.processElement(element);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public <K> void onTimer(String timerId, String timerFamilyId, K key, BoundedWindow window,
        Instant timestamp, Instant outputTimestamp, TimeDomain timeDomain) {
      try (Closeable ignored = scope()) {
        delegate.onTimer(timerId, timerFamilyId, key, window, timestamp, outputTimestamp, timeDomain);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void finishBundle() {
      try (Closeable ignored = scope()) {
        delegate.finishBundle();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public <K> void onWindowExpiration(BoundedWindow window, Instant timestamp, K key) {
      try (Closeable ignored = scope()) {
        delegate.onWindowExpiration(window, timestamp, key);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public DoFn<I, O> getFn() {
      return delegate.getFn();
    }
  }
}
