package io.sluice.runner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.ActorPoolHint;
import io.sluice.runner.BatchSizeHint;
import io.sluice.runner.SluiceRunner;
import io.sluice.runner.translate.PipelineTranslator;
import io.sluice.runner.translate.TranslatorRegistry;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** Which steps share an operator: what fusion must not merge once actors and batches are involved. */
class PhysicalPlanFusionTest {
  /** A pool that can grow to every CPU of a 2-CPU run. */
  private static final ResourceHints POOL = ActorPoolHint.add(ResourceHints.create(), ActorPoolHint.of(1, 2));
  private static final PhysicalPlan.Rules TWO_CPUS = PhysicalPlan.Rules.defaults(2);

  private static PhysicalPlan plan(Pipeline p) {
    return plan(p, TWO_CPUS);
  }

  private static PhysicalPlan plan(Pipeline p, PhysicalPlan.Rules rules) {
    PipelineTranslator.normalize(p);
    return PhysicalPlan.fuse(new PipelineTranslator(TranslatorRegistry.defaults()).translate(p), rules);
  }

  private static PlanNode nodeRunning(PhysicalPlan plan, String step) {
    return plan.nodes().stream().filter(n -> n.specs().stream().anyMatch(s -> s.name().startsWith(step + "/")))
        .findFirst().orElseThrow();
  }

  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(SluiceRunner.class); // planned only, never run
    return Pipeline.create(options);
  }

  /** Per node, the short names of the user steps it runs. */
  private static List<String> stages(PhysicalPlan plan) {
    return plan.nodes().stream()
        .map(node -> node.specs().stream().map(spec -> spec.name().split("/")[0])
            .filter(name -> name.startsWith("Step")).collect(Collectors.joining("+")))
        .filter(names -> !names.isEmpty())
        .toList();
  }

  @Test
  void plainStepsFuseIntoTheRead() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3)).apply("StepA", ParDo.of(new PassFn())).apply("StepB", ParDo.of(new PassFn()));
    PhysicalPlan plan = plan(p);
    assertEquals(List.of("StepA+StepB"), stages(plan));
    assertEquals(PlanNode.Kind.SOURCE, nodeRunning(plan, "StepA").kind());
  }

  @Test
  void withoutStepsInReadsPlainStepsFuseIntoAStageOfTheirOwn() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3)).apply("StepA", ParDo.of(new PassFn())).apply("StepB", ParDo.of(new PassFn()));
    PhysicalPlan plan = plan(p, new PhysicalPlan.Rules(true, true, false, 2));
    assertEquals(List.of("StepA+StepB"), stages(plan));
    assertEquals(PlanNode.Kind.FUSED_STAGE, nodeRunning(plan, "StepA").kind());
  }

  @Test
  void anActorPoolStepNeverRunsInsideAReadButFollowersOnTheSamePoolJoinIt() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3))
        .apply("StepA", ParDo.of(new PassFn()))
        .apply("StepB", ParDo.of(new PassFn()).setResourceHints(POOL))
        .apply("StepC", ParDo.of(new PassFn()).setResourceHints(POOL))
        .apply("StepD", ParDo.of(new PassFn()));
    PhysicalPlan plan = plan(p, new PhysicalPlan.Rules(true, false, 2));
    assertEquals(List.of("StepA", "StepB+StepC", "StepD"), stages(plan));
  }

  @Test
  void taskStepsNextToACpuPoolRunOnItsActorsApartFromTheRead() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3))
        .apply("StepA", ParDo.of(new PassFn()))
        .apply("StepB", ParDo.of(new PassFn()))
        .apply("StepC", ParDo.of(new PassFn()).setResourceHints(POOL))
        .apply("StepD", ParDo.of(new PassFn()));
    PhysicalPlan plan = plan(p);
    assertEquals(List.of("StepA+StepB+StepC+StepD"), stages(plan));
    PlanNode pool = nodeRunning(plan, "StepA");
    assertEquals(PlanNode.Kind.FUSED_STAGE, pool.kind());
    assertEquals(2, pool.execution().actorPool().maxSize());
    assertTrue(plan.explain().contains("[actor pool 1..2]"), plan.explain());
  }

  @Test
  void aPoolThatCannotUseEveryCpuTakesNoTaskSteps() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3))
        .apply("StepA", ParDo.of(new PassFn()))
        .apply("StepB", ParDo.of(new PassFn()).setResourceHints(POOL))
        .apply("StepC", ParDo.of(new PassFn()));
    PhysicalPlan plan = plan(p, PhysicalPlan.Rules.defaults(4));
    assertEquals(List.of("StepA", "StepB", "StepC"), stages(plan));
    assertNull(nodeRunning(plan, "StepC").execution().actorPool());
  }

  @Test
  void aTaskStepWithAnotherReaderStaysOnTasks() {
    Pipeline p = pipeline();
    PCollection<Integer> a = p.apply(Create.of(1, 2, 3)).apply("StepA", ParDo.of(new PassFn()));
    PCollection<Integer> b = a.apply("StepB", ParDo.of(new PassFn()));
    b.apply("StepC", ParDo.of(new PassFn()).setResourceHints(POOL));
    b.apply("StepOther", ParDo.of(new PassFn()));
    assertEquals(List.of("StepA+StepB+StepOther", "StepC"), stages(plan(p)));
  }

  @Test
  void taskStepsStayOffPoolsThatHoldGpusOrAskForOtherResources() {
    Pipeline p = pipeline();
    PCollection<Integer> a = p.apply(Create.of(1, 2, 3)).apply("StepA", ParDo.of(new PassFn()));
    a.apply("StepB", ParDo.of(new PassFn()))
        .apply("StepGpuPool", ParDo.of(new PassFn()).setResourceHints(
            ActorPoolHint.add(ResourceHints.create().withAccelerator("type:l4;count:1"), ActorPoolHint.of(1, 1))));
    a.apply("StepTwoCpus", ParDo.of(new PassFn()).setResourceHints(ResourceHints.create().withCPUCount(2)))
        .apply("StepPool", ParDo.of(new PassFn()).setResourceHints(POOL));
    assertEquals(List.of("StepA+StepB", "StepGpuPool", "StepTwoCpus", "StepPool"), stages(plan(p)));
  }

  @Test
  void anActorStepWithABatchSizeHeadsItsOwnStageButATaskStepFuses() {
    ResourceHints batches = BatchSizeHint.add(ResourceHints.create(), BatchSizeHint.of(8));
    ResourceHints pooledBatches = ActorPoolHint.add(batches, ActorPoolHint.of(1, 2));
    Pipeline p = pipeline();
    PCollection<Integer> a = p.apply(Create.of(1, 2, 3)).apply("StepA", ParDo.of(new PassFn()));
    a.apply("StepTaskBatches", ParDo.of(new PassFn()).setResourceHints(batches))
        .apply("StepActorBatches", ParDo.of(new PassFn()).setResourceHints(pooledBatches))
        .apply("StepAfter", ParDo.of(new PassFn()));
    // What follows joins the pool's stage all the same, without taking its batch size.
    assertEquals(List.of("StepA+StepTaskBatches", "StepActorBatches+StepAfter"), stages(plan(p)));
  }

  @Test
  void aStepWithItsOwnConcurrencyCapIsNotFusedWithUncappedSteps() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3))
        .apply("StepA", ParDo.of(new PassFn()))
        .apply("StepB", ParDo.of(new PassFn()).setResourceHints(ResourceHints.create().withMaxActiveBundlesPerWorker(1)));
    assertEquals(List.of("StepA", "StepB"), stages(plan(p)));
  }

  @Test
  void gpuStepsRunOnActorsAndApartFromCpuSteps() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3))
        .apply("StepA", ParDo.of(new PassFn()))
        .apply("StepB", ParDo.of(new PassFn()).setResourceHints(ResourceHints.create().withAccelerator("type:l4;count:1")));
    PhysicalPlan plan = plan(p);
    assertEquals(List.of("StepA", "StepB"), stages(plan));
    PlanNode gpu = plan.nodes().stream().filter(n -> n.name().contains("StepB")).findFirst().orElseThrow();
    assertEquals(true, gpu.execution().runsOnActors());
  }

  private static final class PassFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      out.output(x);
    }
  }
}
