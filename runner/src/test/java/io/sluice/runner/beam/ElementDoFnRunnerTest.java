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
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.WithTimestamps;
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
    PipelineTranslator.normalize(p);
    List<String> handled = new ArrayList<>();
    List<String> notHandled = new ArrayList<>();
    for (TransformSpec spec : new PipelineTranslator(TranslatorRegistry.defaults()).translate(p).specs()) {
      if (spec instanceof ParDoSpec parDo && !parDo.name().startsWith("Create")) {
        (ElementDoFnRunner.handles(parDo) ? handled : notHandled).add(parDo.name().split("/")[0]);
      }
    }
    assertTrue(handled.containsAll(List.of("Map", "Filter")), handled.toString());
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
