package io.sluice.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/** CPU, GPU and memory limits of a run, and transforms' requests against them. */
class ResourceLimitsTest {
  private static final AtomicInteger PROCESSED = new AtomicInteger();

  private static SluicePipelineOptions options(String... args) {
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs(args).as(SluicePipelineOptions.class);
    options.setRunner(SluiceRunner.class);
    return options;
  }

  @Test
  void invalidLimitsFailAtConstructionNamingTheOption() {
    for (String bad : new String[] {"--numCpus=0", "--numGpus=-2", "--memoryBudget=0", "--offHeapMemoryBudget=-3",
        "--queuedWorkMillis=-1"}) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> SluiceRunner.fromOptions(options(bad)));
      assertTrue(error.getMessage().startsWith(bad.substring(0, bad.indexOf('='))), error.getMessage());
    }
  }

  @Test
  void defaultsResolveToTheMachine() {
    SluicePipelineOptions options = options("--parallelism=3", "--numGpus=2");
    assertEquals(3.0, SluicePipelineOptions.limits(options).cpus());
    assertEquals(2.0, SluicePipelineOptions.limits(options).gpus());
    assertEquals(Runtime.getRuntime().maxMemory() / 2, SluicePipelineOptions.limits(options).memoryBytes());
    // The tests' JVM leaves -XX:MaxDirectMemorySize unset, so the direct-memory limit is the heap's.
    assertEquals(Runtime.getRuntime().maxMemory() / 2, SluicePipelineOptions.offHeapBudget(options));
    assertEquals(1_000, SluicePipelineOptions.offHeapBudget(options("--offHeapMemoryBudget=1000")));
  }

  @Test
  void moreGpusThanTheRunHasFailsBeforeAnythingRuns() {
    PROCESSED.set(0);
    Pipeline p = Pipeline.create(options("--numGpus=1"));
    p.apply(Create.of(1, 2, 3))
        .apply("Count", ParDo.of(new CountingFn()))
        .apply("Infer", ParDo.of(new CountingFn())
            .setResourceHints(ResourceHints.create().withAccelerator("type:nvidia-l4;count:2")));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, p::run);
    assertTrue(error.getMessage().contains("Infer") && error.getMessage().contains("--numGpus"), error.getMessage());
    assertEquals(0, PROCESSED.get(), "elements were processed before the request was checked");
  }

  @Test
  void aGpuStepIsNotFusedWithTheCpuStepBeforeItAndStillGivesTheSameResult() {
    Pipeline p = Pipeline.create(options("--numGpus=1"));
    PCollection<Integer> out = p.apply(Create.of(1, 2, 3))
        .apply("Cpu", MapElements.into(TypeDescriptors.integers()).via((Integer x) -> x + 1))
        .apply("Gpu", MapElements.into(TypeDescriptors.integers()).via((Integer x) -> x * 10)
            .setResourceHints(ResourceHints.create().withAccelerator("type:logical;count:0.5")));
    PAssert.that(out).containsInAnyOrder(20, 30, 40);
    String plan = ((SluicePipelineResult) p.run()).explain();
    String gpuLine = plan.lines().filter(line -> line.startsWith("#") && line.contains("Gpu")).findFirst().orElseThrow();
    assertTrue(!gpuLine.contains("Cpu") && gpuLine.contains("gpus=0.5"), plan);
  }

  private static final class CountingFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      PROCESSED.incrementAndGet();
      out.output(x);
    }
  }
}
