package io.sluice.runner.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.ActorPoolHint;
import io.sluice.runner.BatchSizeHint;
import io.sluice.runner.SluiceRunner;
import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.plan.ParDoSpec;
import io.sluice.runner.plan.TransformSpec;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.junit.jupiter.api.Test;

class ResourceRequestsTest {
  private static ExecutionResources requestOf(ResourceHints hints) {
    return specOf(hints).resources();
  }

  private static ParDoSpec specOf(ResourceHints hints) {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(SluiceRunner.class); // translated only, never run
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1, 2)).apply("Hinted", ParDo.of(new PassFn()).setResourceHints(hints));
    PipelineTranslator.normalize(p);
    for (TransformSpec spec : new PipelineTranslator(TranslatorRegistry.defaults()).translate(p).specs()) {
      if (spec instanceof ParDoSpec parDo && parDo.name().startsWith("Hinted")) {
        return parDo;
      }
    }
    throw new AssertionError("no ParDo named Hinted in the plan");
  }

  @Test
  void withoutHintsATaskHoldsOneCpu() {
    assertEquals(ExecutionResources.cpus(1), requestOf(ResourceHints.create()));
  }

  @Test
  void readsCpuCountAcceleratorCountAndMinRam() {
    ExecutionResources request = requestOf(ResourceHints.create()
        .withCPUCount(2).withAccelerator("type:nvidia-l4;count:2;install-nvidia-driver").withMinRam(1L << 30));
    assertEquals(new ExecutionResources(2, 2, 1L << 30), request);
  }

  @Test
  void fractionalAcceleratorCountsShareADevice() {
    assertEquals(0.5, requestOf(ResourceHints.create().withAccelerator("type:nvidia-l4;count:0.5")).gpus());
  }

  @Test
  void anAcceleratorWithoutACountMeansOneGpu() {
    assertEquals(1.0, requestOf(ResourceHints.create().withAccelerator("type:nvidia-l4")).gpus());
  }

  @Test
  void anUnreadableCountNamesTheTransformAndTheHint() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> requestOf(ResourceHints.create().withAccelerator("type:nvidia-l4;count:two")));
    assertTrue(error.getMessage().contains("Hinted") && error.getMessage().contains("accelerator count"),
        error.getMessage());
  }

  @Test
  void aNegativeCountIsRejected() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> requestOf(ResourceHints.create().withAccelerator("type:nvidia-l4;count:-1")));
    assertTrue(error.getMessage().contains("must not be negative"), error.getMessage());
  }

  @Test
  void aGpuRequestHoldsNoCpuUnlessCpuCountSaysSo() {
    assertEquals(new ExecutionResources(0, 1, 0), requestOf(ResourceHints.create().withAccelerator("type:l4;count:1")));
    assertEquals(new ExecutionResources(2, 1, 0),
        requestOf(ResourceHints.create().withAccelerator("type:l4;count:1").withCPUCount(2)));
  }

  @Test
  void aGpuCountAboveOneThatIsNotWholeIsRejectedNamingTheTransform() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> requestOf(ResourceHints.create().withAccelerator("type:l4;count:1.5")));
    assertTrue(error.getMessage().contains("Hinted") && error.getMessage().contains("whole number"), error.getMessage());
  }

  @Test
  void actorPoolAndBatchSizeHintsReachTheSpec() {
    ParDoSpec spec = specOf(ActorPoolHint.add(BatchSizeHint.add(ResourceHints.create(), BatchSizeHint.of(64)),
        ActorPoolHint.of(0, 3, 1, 4)));
    assertEquals(new ActorPoolConfig(0, 3, 1, 4), spec.execution().actorPool());
    assertEquals(64, spec.execution().batchSize());
    ParDoSpec plain = specOf(ResourceHints.create());
    assertEquals(null, plain.execution().actorPool());
    assertEquals(1, plain.execution().batchSize());
  }

  @Test
  void maxActiveBundlesPerWorkerCapsConcurrency() {
    assertEquals(3, specOf(ResourceHints.create().withMaxActiveBundlesPerWorker(3)).execution().maxConcurrency());
    assertEquals(0, specOf(ResourceHints.create()).execution().maxConcurrency());
  }

  @Test
  void invalidPoolSizesFailWhereTheHintIsBuilt() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ActorPoolHint.of(4, 2));
    assertTrue(error.getMessage().contains("maxSize"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BatchSizeHint.of(0));
  }

  private static final class PassFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      out.output(x);
    }
  }
}
