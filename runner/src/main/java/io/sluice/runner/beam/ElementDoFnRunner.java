package io.sluice.runner.beam;

import io.sluice.runner.plan.ParDoSpec;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.OutputBuilder;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Runs the most common shapes of DoFn, whose {@code @ProcessElement} takes the element, the main
 * OutputReceiver and perhaps its timestamp and window, and whose bundle methods (if any) take only
 * their contexts (MapElements, FlatMapElements, Filter, batching DoFns and most user DoFns), with
 * Beam's semantics but without Beam's per-element process context and output builder: {@code
 * output(v)} keeps the input's timestamp, windows and pane, as in Beam; any other output goes
 * through Beam's own builder, with the same timestamp rule as Beam's runner; a DoFn that sees its
 * window sees each of an element's windows in turn, and FinishBundle outputs carry no pane, as in
 * Beam's SimpleDoFnRunner. Every other DoFn runs on that runner.
 */
final class ElementDoFnRunner<InputT, OutputT> implements DoFnRunner<InputT, OutputT> {
  private final DoFn<InputT, OutputT> fn;
  private final DoFnInvoker<InputT, OutputT> invoker;
  private final TupleTag<OutputT> mainOutput;
  private final WindowedValueMultiReceiver outputs;
  private final ArgumentProvider arguments = new ArgumentProvider();
  private final Receiver receiver = new Receiver();
  private final PipelineOptions options;
  private final boolean observesWindow;
  private WindowedValue<InputT> current;

  /** Whether {@code spec}'s DoFn has the shape this runner handles. */
  static boolean handles(ParDoSpec spec) {
    DoFnSignature signature = DoFnSignatures.getSignature(spec.fn().getClass());
    DoFnSignature.ProcessElementMethod process = signature.processElement();
    if (spec.keyed() || !spec.sideInputs().isEmpty() || process.isSplittable()
        || !spec.schemaInformation().getElementConverters().isEmpty()
        || !takesOnlyItsContext(signature.startBundle(), DoFnSignature.Parameter.StartBundleContextParameter.class)
        || !takesOnlyItsContext(signature.finishBundle(), DoFnSignature.Parameter.FinishBundleContextParameter.class)) {
      return false;
    }
    for (DoFnSignature.Parameter parameter : process.extraParameters()) {
      boolean handled = parameter instanceof DoFnSignature.Parameter.ElementParameter
          || parameter instanceof DoFnSignature.Parameter.TimestampParameter
          || parameter instanceof DoFnSignature.Parameter.WindowParameter
          || (parameter instanceof DoFnSignature.Parameter.OutputReceiverParameter receiver && !receiver.isRowReceiver());
      if (!handled) {
        return false;
      }
    }
    return true;
  }

  /** A bundle method that is absent, or takes nothing but its context. */
  private static boolean takesOnlyItsContext(DoFnSignature.BundleMethod method, Class<?> context) {
    return method == null || method.extraParameters().stream().allMatch(context::isInstance);
  }

  @SuppressWarnings("unchecked")
  ElementDoFnRunner(DoFn<InputT, OutputT> fn, TupleTag<?> mainOutput, WindowedValueMultiReceiver outputs,
      PipelineOptions options) {
    this.fn = fn;
    this.invoker = DoFnInvokers.invokerFor(fn);
    this.mainOutput = (TupleTag<OutputT>) mainOutput;
    this.outputs = outputs;
    this.options = options;
    this.observesWindow = DoFnSignatures.getSignature(fn.getClass()).processElement().observesWindow();
  }

  @Override
  public void processElement(WindowedValue<InputT> element) {
    // As Beam's runner: a DoFn that sees its window sees each of an element's windows in turn.
    if (observesWindow && element.getWindows().size() > 1) {
      for (WindowedValue<InputT> inOneWindow : element.explodeWindows()) {
        process(inOneWindow);
      }
    } else {
      process(element);
    }
  }

  private void process(WindowedValue<InputT> element) {
    current = element;
    try {
      invoker.invokeProcessElement(arguments);
    } catch (Exception e) {
      throw UserCodeException.wrap(e);
    } finally {
      current = null;
    }
  }

  @Override
  public void startBundle() {
    try {
      invoker.invokeStartBundle(arguments);
    } catch (Exception e) {
      throw UserCodeException.wrap(e);
    }
  }

  @Override
  public void finishBundle() {
    try {
      invoker.invokeFinishBundle(arguments);
    } catch (Exception e) {
      throw UserCodeException.wrap(e);
    }
  }

  @Override
  public <KeyT> void onTimer(String timerId, String timerFamilyId, KeyT key, BoundedWindow window, Instant timestamp,
      Instant outputTimestamp, TimeDomain timeDomain) {
    throw new UnsupportedOperationException(fn.getClass().getName() + " declares no timers");
  }

  @Override
  public <KeyT> void onWindowExpiration(BoundedWindow window, Instant timestamp, KeyT key) {
    throw new UnsupportedOperationException(fn.getClass().getName() + " declares no OnWindowExpiration");
  }

  @Override
  public DoFn<InputT, OutputT> getFn() {
    return fn;
  }

  /** Beam's rule: no earlier than the input's timestamp minus the allowed skew, no later than the end of time. */
  private void checkTimestamp(Instant timestamp) {
    // Compared as a lag: the allowed skew may be "infinite" (Long.MAX_VALUE ms), where subtracting overflows.
    long lagMillis = current.getTimestamp().getMillis() - timestamp.getMillis();
    if (lagMillis > fn.getAllowedTimestampSkew().getMillis() || timestamp.isAfter(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      throw new IllegalArgumentException(String.format(
          "Cannot output with timestamp %s. Output timestamps must be no earlier than the timestamp of the "
              + "current input (%s) minus the allowed skew (%s) and no later than %s. "
              + "See the DoFn#getAllowedTimestampSkew() Javadoc for details on changing the allowed skew.",
          timestamp, current.getTimestamp(), fn.getAllowedTimestampSkew(), BoundedWindow.TIMESTAMP_MAX_VALUE));
    }
  }

  private final class Receiver implements DoFn.OutputReceiver<OutputT> {
    @Override
    @SuppressWarnings("unchecked")
    public void output(OutputT value) {
      // A filter passes its input object on: the (immutable) input WindowedValue is that output.
      WindowedValue<OutputT> output = value == current.getValue()
          ? (WindowedValue<OutputT>) current
          : current.withValue(value);
      outputs.output(mainOutput, output);
    }

    @Override
    public OutputBuilder<OutputT> builder(OutputT value) {
      return WindowedValues.builder(current).withValue(value).setReceiver(built -> {
        if (!built.getTimestamp().equals(current.getTimestamp())) {
          checkTimestamp(built.getTimestamp());
        }
        outputs.output(mainOutput, built);
      });
    }
  }

  private final class ArgumentProvider extends DoFnInvoker.BaseArgumentProvider<InputT, OutputT> {
    @Override
    public InputT element(DoFn<InputT, OutputT> doFn) {
      return current.getValue();
    }

    @Override
    public DoFn.OutputReceiver<OutputT> outputReceiver(DoFn<InputT, OutputT> doFn) {
      return receiver;
    }

    @Override
    public Instant timestamp(DoFn<InputT, OutputT> doFn) {
      return current.getTimestamp();
    }

    @Override
    public BoundedWindow window() {
      return current.getWindows().iterator().next();
    }

    @Override
    public DoFn<InputT, OutputT>.StartBundleContext startBundleContext(DoFn<InputT, OutputT> doFn) {
      return doFn.new StartBundleContext() {
        @Override
        public PipelineOptions getPipelineOptions() {
          return options;
        }
      };
    }

    @Override
    public DoFn<InputT, OutputT>.FinishBundleContext finishBundleContext(DoFn<InputT, OutputT> doFn) {
      return doFn.new FinishBundleContext() {
        @Override
        public PipelineOptions getPipelineOptions() {
          return options;
        }

        @Override
        public void output(OutputT output, Instant timestamp, BoundedWindow window) {
          outputs.output(mainOutput, WindowedValues.of(output, timestamp, window, PaneInfo.NO_FIRING));
        }

        @Override
        public <T> void output(TupleTag<T> tag, T output, Instant timestamp, BoundedWindow window) {
          outputs.output(tag, WindowedValues.of(output, timestamp, window, PaneInfo.NO_FIRING));
        }
      };
    }

    @Override
    public String getErrorContext() {
      return "ElementDoFnRunner";
    }
  }
}
