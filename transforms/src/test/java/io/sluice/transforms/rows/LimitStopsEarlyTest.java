package io.sluice.transforms.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.SluicePipelineResult;
import io.sluice.transforms.testing.TestRunners;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On SluiceRunner, a limit stops the reads and maps that only feed it. */
@Tag(TestRunners.SLUICE_ONLY)
class LimitStopsEarlyTest {
  private static final long INPUT = 50_000_000L;

  @Test
  void limitOfFiveReadsAFractionOfFiftyMillionRecords() {
    Pipeline p = TestRunners.pipeline("sluice");
    PCollection<Long> limited = p.apply(GenerateSequence.from(0).to(INPUT))
        .apply("Seen", ParDo.of(new CountingFn()))
        .apply("FirstFive", Limit.of(5));
    PAssert.that(limited.apply(Count.globally())).containsInAnyOrder(5L);

    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(CountingFn.class, "seen")).build());
    long seen = metrics.getCounters().iterator().next().getAttempted();
    assertTrue(seen >= 5 && seen < INPUT / 100, "the read stopped early, yet " + seen + " records were read");
    String stats = ((SluicePipelineResult) result).stats();
    assertTrue(stats.contains("stopped early"), stats);
  }

  @Test
  void aReadThatAlsoFeedsAnotherBranchIsReadToTheEnd() {
    Pipeline p = TestRunners.pipeline("sluice");
    PCollection<Long> numbers = p.apply(GenerateSequence.from(0).to(1_000_000));
    PAssert.that(numbers.apply("FirstFive", Limit.of(5)).apply("CountLimited", Count.globally()))
        .containsInAnyOrder(5L);
    PAssert.that(numbers.apply("CountAll", Count.globally())).containsInAnyOrder(1_000_000L);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  static final class CountingFn extends DoFn<Long, Long> {
    private final Counter seen = Metrics.counter(CountingFn.class, "seen");

    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      seen.inc();
      out.output(x);
    }
  }
}
