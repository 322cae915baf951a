package io.sluice.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class SluiceRunnerTest {
  private static Pipeline pipeline(String... args) {
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs(args).as(SluicePipelineOptions.class);
    options.setRunner(SluiceRunner.class);
    return Pipeline.create(options);
  }

  @Test
  void runnerIsFoundByName() {
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", "--parallelism=3")
        .as(SluicePipelineOptions.class);
    assertEquals(SluiceRunner.class, options.getRunner());
    assertEquals(3, SluicePipelineOptions.effectiveParallelism(options));
    assertEquals(Runtime.getRuntime().availableProcessors(),
        SluicePipelineOptions.effectiveParallelism(PipelineOptionsFactory.as(SluicePipelineOptions.class)));
  }

  @Test
  void invalidOptionFailsAtConstructionNamingTheOption() {
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", "--parallelism=0")
        .as(SluicePipelineOptions.class);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SluiceRunner.fromOptions(options));
    assertTrue(error.getMessage().contains("--parallelism=0"), error.getMessage());
  }

  @Test
  void parsesFiltersAndSumsPerKeyAcrossManyBlocks() {
    Pipeline p = pipeline("--targetBlockRows=100");
    PCollection<KV<Long, Long>> sums = p
        .apply(GenerateSequence.from(0).to(10_000))
        .apply(MapElements.into(TypeDescriptors.longs()).via(i -> i * 2))
        .apply(WithKeys.of((Long i) -> i % 3).withKeyType(TypeDescriptors.longs()))
        .apply(Sum.longsPerKey());
    long[] expected = new long[3];
    for (long i = 0; i < 10_000; i++) {
      expected[(int) ((i * 2) % 3)] += i * 2;
    }
    PAssert.that(sums).containsInAnyOrder(KV.of(0L, expected[0]), KV.of(1L, expected[1]), KV.of(2L, expected[2]));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @Test
  void userExceptionFailsTheRunNamingTheTransformAndStopsEveryThread() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3)).apply("ExplodingStep", ParDo.of(new ExplodingFn()));
    Pipeline.PipelineExecutionException error = assertThrows(Pipeline.PipelineExecutionException.class, p::run);
    assertInstanceOf(IllegalStateException.class, error.getCause());
    assertEquals("boom in user code", error.getCause().getMessage());
    assertTrue(error.getMessage().contains("ExplodingStep"), error.getMessage());
    assertTrue(noSluiceThreadAlive(), "a sluice thread outlived the failed run");
  }

  @Test
  void waitUntilFinishWithDurationReturnsAtTheDeadlineAndCancelStopsTheRun() {
    Pipeline p = pipeline("--blockOnRun=false");
    p.apply(Create.of(1)).apply(ParDo.of(new SleepingFn()));
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    long start = System.nanoTime();
    assertNull(result.waitUntilFinish(Duration.millis(200)));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waitedMillis >= 150 && waitedMillis < 10_000, "waited " + waitedMillis + " ms");
    assertEquals(PipelineResult.State.RUNNING, result.getState());
    assertEquals(PipelineResult.State.CANCELLED, result.cancel());
    assertTrue(result.allThreadsStopped());
  }

  @Test
  void committedAndAttemptedCountersAreReported() {
    Pipeline p = pipeline();
    p.apply(Create.of(List.of(1, 2, 3, 4))).apply("Counting", ParDo.of(new CountingFn()));
    PipelineResult result = p.run();
    MetricResult<Long> counter = result.metrics()
        .queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named("test", "seen")).build())
        .getCounters().iterator().next();
    assertEquals(4L, counter.getAttempted());
    assertEquals(4L, counter.getCommitted());
  }

  @Test
  void statsAndExplainDescribeTheOperatorsThatRan() {
    Pipeline p = pipeline("--targetBlockRows=100");
    p.apply("Numbers", GenerateSequence.from(0).to(1000))
        .apply("Double", MapElements.into(TypeDescriptors.longs()).via(i -> i * 2))
        .apply("ByParity", WithKeys.of((Long i) -> i % 4).withKeyType(TypeDescriptors.longs()))
        .apply("Group", GroupByKey.create());
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    String plan = result.explain();
    // Two operators: the read with both maps running in its tasks, then the grouping.
    assertEquals(2, plan.lines().filter(line -> line.startsWith("#")).count(), plan);
    assertTrue(plan.contains("fused: Numbers"), plan);
    assertTrue(plan.contains("Double") && plan.contains("ByParity"), plan);
    String stats = result.stats();
    assertTrue(stats.startsWith("Run DONE"), stats);
    String groupLine = stats.lines().filter(line -> line.contains("Group")).findFirst().orElseThrow();
    assertTrue(groupLine.contains("in 1000 rows") && groupLine.matches(".*out \\d+ blocks, 2 rows.*"), stats);
  }

  @Test
  void countGloballyOfEmptyInputIsZero() {
    Pipeline p = pipeline();
    PCollection<Long> count = p.apply(Create.empty(TypeDescriptors.integers())).apply(Count.globally());
    PAssert.thatSingleton(count).isEqualTo(0L);
    assertInstanceOf(SluicePipelineResult.class, p.run());
  }

  private static final class ExplodingFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x) {
      throw new IllegalStateException("boom in user code");
    }
  }

  private static final class SleepingFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x) throws InterruptedException {
      Thread.sleep(60_000);
    }
  }

  private static final class CountingFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x) {
      Metrics.counter("test", "seen").inc();
    }
  }

  private static boolean noSluiceThreadAlive() {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      boolean alive = Thread.getAllStackTraces().keySet().stream()
          .anyMatch(t -> t.getName().startsWith("sluice-") && t.isAlive());
      if (!alive) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
