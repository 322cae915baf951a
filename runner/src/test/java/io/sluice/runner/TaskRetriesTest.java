package io.sluice.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.beam.FlakyRangeSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** --maxTaskRetries: a failed bundle of an element-wise step runs again, as Beam runners retry bundles. */
class TaskRetriesTest {
  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
  private static final AtomicInteger TEARDOWNS = new AtomicInteger();
  private static final AtomicInteger SETUPS = new AtomicInteger();

  private static Pipeline pipeline(String... args) {
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs(args).as(SluicePipelineOptions.class);
    options.setRunner(SluiceRunner.class);
    return Pipeline.create(options);
  }

  /** Counts what it sees, and fails on element 500 while failures are left. */
  static final class FlakyFn extends DoFn<Long, Long> {
    private final org.apache.beam.sdk.metrics.Counter seen = Metrics.counter(TaskRetriesTest.class, "seen");

    @ProcessElement
    public void process(@Element Long element, OutputReceiver<Long> out) {
      seen.inc();
      if (element == 500 && FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IllegalStateException("a transient failure on element 500");
      }
      out.output(element);
    }

    @Teardown
    public void teardown() {
      TEARDOWNS.incrementAndGet();
    }
  }

  private static PCollection<Long> sumThroughFlakyStep(Pipeline p) {
    return p.apply(GenerateSequence.from(0).to(1_000))
        .apply("Flaky", ParDo.of(new FlakyFn()))
        .apply(Sum.longsGlobally());
  }

  @Test
  void aStepRunsAgainAfterATransientFailureAndItsMetricsCountOnce() {
    FAILURES_LEFT.set(2);
    TEARDOWNS.set(0);
    Pipeline p = pipeline("--maxTaskRetries=2", "--targetBlockRows=100");
    PAssert.thatSingleton(sumThroughFlakyStep(p)).isEqualTo(999L * 1_000 / 2);

    PipelineResult result = p.run();

    assertEquals(PipelineResult.State.DONE, result.getState());
    MetricResult<Long> seen = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(TaskRetriesTest.class, "seen")).build()).getCounters().iterator().next();
    assertEquals(1_000L, seen.getCommitted(), "committed: each element once, from the attempts that succeeded");
    assertTrue(seen.getAttempted() > 1_000L, "attempted includes the failed attempts: " + seen.getAttempted());
    assertTrue(TEARDOWNS.get() >= 2, "each instance that threw was torn down, not reused: " + TEARDOWNS.get());
  }

  /** Counts the instances set up; fails on element 500 while failures are left. */
  static final class FlakyActorFn extends DoFn<Long, Long> {
    @Setup
    public void setup() {
      SETUPS.incrementAndGet();
    }

    @ProcessElement
    public void process(@Element Long element, OutputReceiver<Long> out) {
      if (element == 500 && FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IllegalStateException("a transient failure on element 500");
      }
      out.output(element);
    }
  }

  @Test
  void aStepOnAnActorPoolRunsAgainOnANewActor() {
    FAILURES_LEFT.set(1);
    SETUPS.set(0);
    Pipeline p = pipeline("--maxTaskRetries=1", "--targetBlockRows=100");
    PCollection<Long> sum = p.apply(GenerateSequence.from(0).to(1_000))
        .apply("OnActors", ParDo.of(new FlakyActorFn())
            .setResourceHints(ActorPoolHint.add(ResourceHints.create(), ActorPoolHint.of(1, 1))))
        .apply(Sum.longsGlobally());
    PAssert.thatSingleton(sum).isEqualTo(999L * 1_000 / 2);

    assertEquals(PipelineResult.State.DONE, p.run().getState());
    assertEquals(2, SETUPS.get(), "the one actor, then its replacement");
  }

  @Test
  void aReadWhoseSourceFailsToOpenIsReadAgain() {
    FlakyRangeSource source = FlakyRangeSource.failingAt(1_000, 0, 1);
    Pipeline p = pipeline("--maxTaskRetries=1");
    PAssert.thatSingleton(p.apply(Read.from(source)).apply(Sum.longsGlobally())).isEqualTo(999L * 1_000 / 2);

    assertEquals(PipelineResult.State.DONE, p.run().getState());
    assertEquals(0, source.failuresLeft(), "it failed once, then opened");
  }

  @Test
  void aReadThatFailsMidwayGoesOnFromTheChunkThatFailedWithNothingLostOrRepeated() {
    // A chunk of cheap records is 16 blocks: record 100,000 is in the seventh, six having gone on.
    long n = 200_000;
    FlakyRangeSource source = FlakyRangeSource.failingAt(n, 100_000, 1);
    Pipeline p = pipeline("--maxTaskRetries=1", "--targetBlockRows=1000");
    PCollection<Long> read = p.apply(Read.from(source));
    PAssert.thatSingleton(read.apply(Count.globally())).isEqualTo(n);
    PAssert.thatSingleton(read.apply(Sum.longsGlobally())).isEqualTo((n - 1) * n / 2);

    assertEquals(PipelineResult.State.DONE, p.run().getState());
    assertEquals(0, source.failuresLeft(), "it failed once, midway");
  }

  @Test
  void withoutRetriesTheFirstFailureFailsTheRun() {
    FAILURES_LEFT.set(1);
    Pipeline p = pipeline();
    sumThroughFlakyStep(p);

    Exception failure = assertThrows(Exception.class, p::run);

    assertTrue(String.valueOf(failure.getCause()).contains("a transient failure on element 500"), String.valueOf(failure));
  }

  @Test
  void aFailureThatOutlastsTheRetriesFailsTheRunWithTheUsersError() {
    FAILURES_LEFT.set(3);
    Pipeline p = pipeline("--maxTaskRetries=2");
    sumThroughFlakyStep(p);

    Exception failure = assertThrows(Exception.class, p::run);

    assertTrue(String.valueOf(failure.getCause()).contains("a transient failure on element 500"), String.valueOf(failure));
    Throwable[] notes = failure.getCause().getSuppressed();
    assertTrue(notes.length > 0 && notes[notes.length - 1].getMessage().contains("failed on each of its 3 attempts"),
        java.util.Arrays.toString(notes));
  }

  @Test
  void aNegativeRetryCountFailsAtConstructionNamingTheOption() {
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", "--maxTaskRetries=-1")
        .as(SluicePipelineOptions.class);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SluiceRunner.fromOptions(options));
    assertTrue(error.getMessage().startsWith("--maxTaskRetries=-1 is invalid"), error.getMessage());
  }
}
