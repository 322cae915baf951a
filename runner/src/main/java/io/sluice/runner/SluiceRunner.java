package io.sluice.runner;

import io.sluice.runner.beam.BlockSize;
import io.sluice.runner.beam.OperatorFactory;
import io.sluice.runner.beam.RunMetrics;
import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.backpressure.ConcurrencyCapPolicy;
import io.sluice.runner.engine.backpressure.DownstreamQueueBytesPolicy;
import io.sluice.runner.engine.backpressure.MemoryBudgetPolicy;
import io.sluice.runner.engine.backpressure.QueuedWorkPolicy;
import io.sluice.runner.engine.operator.RetriesTasks;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.scheduler.ExecutorConfig;
import io.sluice.runner.engine.scheduler.StreamingExecutor;
import io.sluice.runner.engine.scheduler.Topology;
import io.sluice.runner.plan.PhysicalPlan;
import io.sluice.runner.plan.PlanNode;
import io.sluice.runner.translate.PipelineTranslator;
import io.sluice.runner.translate.TranslatorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs bounded Beam pipelines on Sluice's streaming executor: the pipeline is normalised,
 * translated one URN at a time into a logical plan, fused into a physical plan, and executed as
 * operators exchanging blocks through bounded queues.
 */
public final class SluiceRunner extends PipelineRunner<SluicePipelineResult> {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceRunner.class);

  private final SluicePipelineOptions options;

  private SluiceRunner(SluicePipelineOptions options) {
    this.options = options;
  }

  public static SluiceRunner fromOptions(PipelineOptions options) {
    SluicePipelineOptions sluice = PipelineOptionsValidator.validate(SluicePipelineOptions.class, options);
    requirePositive("parallelism", SluicePipelineOptions.effectiveParallelism(sluice),
        "use at least 1, or -1 for the core count (the default)");
    requirePositive("targetBlockRows", sluice.getTargetBlockRows(), "use at least 1 (default 4096)");
    requirePositive("targetBlockBytes", sluice.getTargetBlockBytes(), "use at least 1 (default 8 MiB)");
    if (sluice.getProgressIntervalSeconds() < 0) {
      throw new IllegalArgumentException("--progressIntervalSeconds=" + sluice.getProgressIntervalSeconds()
          + " is invalid: use a number of seconds, or 0 to turn progress reports off");
    }
    requirePositive("stallTimeoutSeconds", sluice.getStallTimeoutSeconds(), "use a positive number of seconds");
    requirePositive("maxQueuedBytesPerOperator", sluice.getMaxQueuedBytesPerOperator(), "use a positive byte count");
    requireAtLeast("queuedWorkMillis", sluice.getQueuedWorkMillis(), 0,
        "use a number of milliseconds (default 500), or 0 to turn the bound off");
    requireAtLeast("maxTaskRetries", sluice.getMaxTaskRetries(), 0,
        "use 0 (the default: a failed task fails the run) or more");
    requireDefaultOr("numCpus", sluice.getNumCpus(), value -> value > 0, "use a positive number of CPUs, or -1 for the core count");
    requireDefaultOr("numGpus", sluice.getNumGpus(), value -> value >= 0, "use 0 or more GPUs, or -1 to detect them");
    requireDefaultOr("memoryBudget", sluice.getMemoryBudget() == null ? null : sluice.getMemoryBudget().doubleValue(),
        value -> value > 0, "use a positive byte count, or -1 for half the maximum heap");
    requireDefaultOr("offHeapMemoryBudget",
        sluice.getOffHeapMemoryBudget() == null ? null : sluice.getOffHeapMemoryBudget().doubleValue(),
        value -> value > 0, "use a positive byte count, or -1 for half the JVM's direct-memory limit");
    requireWritableDirectory("spillDirectory", sluice.getSpillDirectory());
    return new SluiceRunner(sluice);
  }

  /**
   * Spills happen only once a run outgrows its budget, and a failed spill leaves its block in
   * memory: a directory that cannot take them must fail here, not hours into a run.
   */
  private static void requireWritableDirectory(String option, String directory) {
    if (directory == null) {
      return;
    }
    Path path = Path.of(directory);
    if (!Files.isDirectory(path) || !Files.isWritable(path)) {
      throw new IllegalArgumentException("--" + option + "=" + directory + " is invalid: "
          + (Files.isDirectory(path) ? "the directory is not writable" : "there is no such directory")
          + "; name a writable directory (each run makes its own inside it), or leave the option unset for "
          + "java.io.tmpdir");
    }
  }

  private static void requireDefaultOr(String option, Double value, DoublePredicate valid, String fix) {
    if (value != null && value != -1 && !valid.test(value)) {
      throw new IllegalArgumentException("--" + option + "=" + value + " is invalid: " + fix);
    }
  }

  /**
   * Fails before anything runs if a transform asks for more per task than the whole run may hold,
   * naming the transform, its request and the option to change.
   */
  static void checkRequests(PhysicalPlan plan, ExecutionResources limits) {
    for (PlanNode node : plan.nodes()) {
      ExecutionResources request = node.resources();
      String transform = node.specs().isEmpty() ? node.name() : node.specs().get(node.specs().size() - 1).name();
      if (request.gpus() > limits.gpus() + 1e-9) {
        throw new IllegalArgumentException("Transform '" + transform + "' requests " + request.gpus()
            + " GPUs per task (its accelerator resource hint), but the run has " + limits.gpus()
            + " (--numGpus, detected when unset); lower the request or set --numGpus");
      }
      if (request.cpus() > limits.cpus() + 1e-9) {
        throw new IllegalArgumentException("Transform '" + transform + "' requests " + request.cpus()
            + " CPUs per task (its cpu_count resource hint), but the run has " + limits.cpus()
            + " (--numCpus); lower the request or raise --numCpus");
      }
      ActorPoolConfig pool = node.execution().actorPool();
      if (pool != null && pool.minSize() > 0
          && !new ExecutionResources(request.cpus() * pool.minSize(), request.gpus() * pool.minSize(),
              request.memoryBytes() * pool.minSize()).fitsWithin(limits)) {
        throw new IllegalArgumentException("Transform '" + transform + "' asks for an actor pool of at least "
            + pool.minSize() + " actors (its ActorPoolHint minSize) holding " + request + " each, but the run has "
            + limits + " (--numCpus, --numGpus, --memoryBudget); lower minSize or raise the limits");
      }
      if (request.memoryBytes() > limits.memoryBytes()) {
        throw new IllegalArgumentException("Transform '" + transform + "' requests " + request.memoryBytes()
            + " bytes per task (its min_ram resource hint), but the run may hold " + limits.memoryBytes()
            + " (--memoryBudget); lower the request or raise --memoryBudget");
      }
    }
  }

  private static void requirePositive(String option, long value, String fix) {
    requireAtLeast(option, value, 1, fix);
  }

  private static void requireAtLeast(String option, long value, long least, String fix) {
    if (value < least) {
      throw new IllegalArgumentException("--" + option + "=" + value + " is invalid: " + fix);
    }
  }

  @Override
  public SluicePipelineResult run(Pipeline pipeline) {
    FileSystems.setDefaultPipelineOptions(options);
    MetricsEnvironment.setMetricsSupported(true);
    WarmUp.loadValueClasses();
    PipelineTranslator.normalize(pipeline);
    ExecutionResources limits = SluicePipelineOptions.limits(options);
    PhysicalPlan plan = PhysicalPlan.fuse(new PipelineTranslator(TranslatorRegistry.defaults()).translate(pipeline),
        // A failed task can run again only on rows it was handed, and reads are not retried: with
        // retries, element-wise steps run as stages of their own, not inside reads.
        new PhysicalPlan.Rules(options.isColumnarHandoff(), options.isFuseTasksIntoActorPools(),
            options.getMaxTaskRetries() == 0, limits.cpus()));
    if (LOG.isDebugEnabled()) {
      LOG.debug("Physical plan:\n{}", plan.explain());
    }
    checkRequests(plan, limits);
    RunMetrics metrics = new RunMetrics();
    int parallelism = SluicePipelineOptions.effectiveParallelism(options);
    Topology topology;
    try {
      RetriesTasks.Retries retries = new RetriesTasks.Retries(options.getMaxTaskRetries(),
          (operator, attempt, error) -> LOG.warn("SluiceRunner: a task of '{}' failed (attempt {} of {}); running it "
              + "again", operator, attempt, options.getMaxTaskRetries() + 1, error));
      topology = new OperatorFactory(options, metrics, parallelism,
          new BlockSize(options.getTargetBlockRows(), options.getTargetBlockBytes()), limits, retries).build(plan);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not prepare the pipeline: " + e.getMessage(), e);
    }
    StreamingExecutor executor = new StreamingExecutor(topology, new ExecutorConfig(
        limits,
        parallelism,
        policies(options),
        "sluice",
        new ExecutorConfig.StallWatch(System::nanoTime, options.getStallTimeoutSeconds() * 1_000_000_000L,
            diagnosis -> LOG.warn("SluiceRunner: {}", diagnosis)),
        new ExecutorConfig.ProgressWatch(options.getProgressIntervalSeconds() * 1_000_000_000L,
            report -> LOG.info("SluiceRunner {}", report)),
        options.getSpillDirectory() == null ? ExecutorConfig.defaultSpillDirectory()
            : Path.of(options.getSpillDirectory()),
        SluicePipelineOptions.offHeapBudget(options)));
    SluicePipelineResult result = new SluicePipelineResult(executor, executor.start(), metrics, plan);
    if (options.isBlockOnRun()) {
      result.waitUntilFinish();
    }
    return result;
  }

  private static List<BackpressurePolicy> policies(SluicePipelineOptions options) {
    List<BackpressurePolicy> policies = new ArrayList<>(List.of(new ConcurrencyCapPolicy(), new MemoryBudgetPolicy(),
        new DownstreamQueueBytesPolicy(options.getMaxQueuedBytesPerOperator())));
    if (options.getQueuedWorkMillis() > 0) {
      policies.add(new QueuedWorkPolicy(TimeUnit.MILLISECONDS.toNanos(options.getQueuedWorkMillis())));
    }
    return List.copyOf(policies);
  }

  @Override
  public String toString() {
    return "SluiceRunner";
  }
}
