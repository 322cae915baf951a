package io.sluice.runner.beam;

import io.sluice.runner.plan.ParDoSpec;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.OutputBuilder;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Runs the most common shape of DoFn, one whose {@code @ProcessElement} takes only the element and
 * the main OutputReceiver and that has no bundle methods (MapElements, FlatMapElements, Filter and
 * most user DoFns), with Beam's semantics but without Beam's per-element process context and output
 * builder: {@code output(v)} keeps the input's timestamp, windows and pane, as in Beam; any other
 * output goes through Beam's own builder, with the same timestamp rule as Beam's runner. Every other
 * DoFn runs on Beam's SimpleDoFnRunner.
 */
final class ElementDoFnRunner<InputT, OutputT> implements DoFnRunner<InputT, OutputT> {
  private final DoFn<InputT, OutputT> fn;
  private final DoFnInvoker<InputT, OutputT> invoker;
  private final TupleTag<OutputT> mainOutput;
  private final WindowedValueMultiReceiver outputs;
  private final ArgumentProvider arguments = new ArgumentProvider();
  private final Receiver receiver = new Receiver();
  private WindowedValue<InputT> current;

  /** Whether {@code spec}'s DoFn has the shape this runner handles. */
  static boolean handles(ParDoSpec spec) {
    DoFnSignature signature = DoFnSignatures.getSignature(spec.fn().getClass());
    DoFnSignature.ProcessElementMethod process = signature.processElement();
    if (spec.keyed() || !spec.sideInputs().isEmpty() || process.isSplittable()
        || signature.startBundle() != null || signature.finishBundle() != null
        || !spec.schemaInformation().getElementConverters().isEmpty()) {
      return false;
    }
    for (DoFnSignature.Parameter parameter : process.extraParameters()) {
      boolean element = parameter instanceof DoFnSignature.Parameter.ElementParameter;
      boolean mainReceiver = parameter instanceof DoFnSignature.Parameter.OutputReceiverParameter receiver
          && !receiver.isRowReceiver();
      if (!element && !mainReceiver) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  ElementDoFnRunner(DoFn<InputT, OutputT> fn, TupleTag<?> mainOutput, WindowedValueMultiReceiver outputs) {
    this.fn = fn;
    this.invoker = DoFnInvokers.invokerFor(fn);
    this.mainOutput = (TupleTag<OutputT>) mainOutput;
    this.outputs = outputs;
  }

  @Override
  public void processElement(WindowedValue<InputT> element) {
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
  public void startBundle() {}

  @Override
  public void finishBundle() {}

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
    public String getErrorContext() {
      return "ElementDoFnRunner";
    }
  }
}
