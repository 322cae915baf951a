package io.sluice.runner.beam;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.SluiceRunner;
import io.sluice.runner.plan.ParDoSpec;
import io.sluice.runner.plan.TransformSpec;
import io.sluice.runner.translate.PipelineTranslator;
import io.sluice.runner.translate.TranslatorRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class ElementDoFnRunnerTest {
  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(SluiceRunner.class);
    return Pipeline.create(options);
  }

  @Test
  void takesElementAndReceiverDoFnsOnly() {
    Pipeline p = pipeline();
    PCollection<Integer> numbers = p.apply(Create.of(1, 2, 3));
    numbers.apply("Map", MapElements.into(TypeDescriptors.integers()).via((Integer x) -> x + 1));
    numbers.apply("Filter", Filter.by((Integer x) -> x > 1));
    numbers.apply("Context", ParDo.of(new ContextFn()));
    numbers.apply("Batching", ParDo.of(new WindowSumFn()));
    PipelineTranslator.normalize(p);
    List<String> handled = new ArrayList<>();
    List<String> notHandled = new ArrayList<>();
    for (TransformSpec spec : new PipelineTranslator(TranslatorRegistry.defaults()).translate(p).specs()) {
      if (spec instanceof ParDoSpec parDo && !parDo.name().startsWith("Create")) {
        (ElementDoFnRunner.handles(parDo) ? handled : notHandled).add(parDo.name().split("/")[0]);
      }
    }
    assertTrue(handled.containsAll(List.of("Map", "Filter", "Batching")), handled.toString());
    assertTrue(notHandled.contains("Context"), notHandled.toString());
    assertFalse(handled.contains("Context"));
  }

  @Test
  void outputsKeepTheInputsTimestampAndLaterTimestampsAreAllowed() {
    Pipeline p = pipeline();
    PCollection<TimestampedValue<Integer>> out = p
        .apply(Create.of(1, 2))
        .apply(WithTimestamps.of((Integer x) -> new Instant(1000L * x)))
        .apply("Later", ParDo.of(new ShiftFn(Duration.millis(5))))
        .apply(Reify.timestamps());
    PAssert.that(out).containsInAnyOrder(
        TimestampedValue.of(1, new Instant(1000)), TimestampedValue.of(1, new Instant(1005)),
        TimestampedValue.of(2, new Instant(2000)), TimestampedValue.of(2, new Instant(2005)));
    p.run().waitUntilFinish();
  }

  @Test
  void anEarlierTimestampThanTheSkewAllowsFailsWithBeamsRule() {
    Pipeline p = pipeline();
    p.apply(Create.of(1))
        .apply(WithTimestamps.of((Integer x) -> new Instant(1000)))
        .apply("Earlier", ParDo.of(new ShiftFn(Duration.millis(-1))));
    Pipeline.PipelineExecutionException error = assertThrows(Pipeline.PipelineExecutionException.class, p::run);
    assertInstanceOf(IllegalArgumentException.class, error.getCause());
    assertTrue(error.getCause().getMessage().contains("Cannot output with timestamp"), error.getCause().getMessage());
    assertTrue(error.getMessage().contains("Earlier"), error.getMessage());
  }

  @Test
  void aDoFnSeeingItsWindowSeesEachWindowOfAnElementAndItsBundleMethodsRun() {
    // Sliding windows of 10 s every 5 s put each element in two windows; WindowSumFn sums per
    // window in the bundle and outputs from FinishBundle, so a missed explosion or bundle call shows.
    Pipeline p = pipeline();
    PCollection<KV<Long, Integer>> sums = p
        .apply(Create.timestamped(TimestampedValue.of(1, new Instant(7_000)), TimestampedValue.of(2, new Instant(8_000)),
            TimestampedValue.of(4, new Instant(12_000))))
        .apply(Window.into(SlidingWindows.of(Duration.standardSeconds(10)).every(Duration.standardSeconds(5))))
        .apply("Batching", ParDo.of(new WindowSumFn()))
        .apply(Combine.perKey(Sum.ofIntegers()));
    // Window starts: 0 s holds 1 and 2; 5 s holds 1, 2 and 4; 10 s holds 4.
    PAssert.that(sums).containsInAnyOrder(KV.of(0L, 3), KV.of(5_000L, 7), KV.of(10_000L, 4));
    p.run().waitUntilFinish();
  }

  /** Sums the elements of each window seen in a bundle; outputs the sums, keyed by window start, at its end. */
  private static final class WindowSumFn extends DoFn<Integer, KV<Long, Integer>> {
    private transient Map<BoundedWindow, Integer> sums;

    @StartBundle
    public void start(StartBundleContext context) {
      sums = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element Integer x, @Timestamp Instant timestamp, BoundedWindow window,
        OutputReceiver<KV<Long, Integer>> out) {
      if (!window.maxTimestamp().isAfter(timestamp.minus(Duration.millis(1)))) {
        throw new IllegalStateException("element at " + timestamp + " handed to window " + window);
      }
      sums.merge(window, x, Integer::sum);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      sums.forEach((window, sum) -> context.output(
          KV.of(((IntervalWindow) window).start().getMillis(), sum), window.maxTimestamp(), window));
    }
  }

  /** Outputs the element as is, then again shifted in time. */
  private static final class ShiftFn extends DoFn<Integer, Integer> {
    private final Duration shift;

    ShiftFn(Duration shift) {
      this.shift = shift;
    }

    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      out.output(x);
      out.outputWithTimestamp(x, new Instant(1000L * x).plus(shift));
    }
  }

  private static final class ContextFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element());
    }
  }
}
