package io.sluice.runner;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.GpuDetection;
import java.lang.management.ManagementFactory;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Options of {@link SluiceRunner}; each is validated when the runner is created. */
public interface SluicePipelineOptions extends PipelineOptions {
  /**
   * Declared exactly as FlinkPipelineOptions declares it (Integer, default -1): Beam rejects one
   * property declared two ways, and both runners may share a classpath. -1 means the core count.
   */
  @Description("Worker threads that run tasks at once; -1 (the default) means the number of available cores.")
  @Default.Integer(-1)
  Integer getParallelism();

  void setParallelism(Integer parallelism);

  @Description("CPUs that tasks may hold at once (fractions allowed); -1 (the default) means the "
      + "parallelism, which itself defaults to the core count. A transform's tasks request 1 CPU unless a "
      + "cpu_count resource hint says otherwise.")
  @Default.Double(-1)
  Double getNumCpus();

  void setNumCpus(Double cpus);

  @Description("GPUs that tasks may hold at once; -1 (the default) detects them (CUDA_VISIBLE_DEVICES, "
      + "else nvidia-smi -L, else 0). A logical count may be set, for example in tests. Transforms request "
      + "GPUs with the accelerator resource hint, e.g. \"type:nvidia-l4;count:1\"; fractional counts share a device.")
  @Default.Double(-1)
  Double getNumGpus();

  void setNumGpus(Double gpus);

  @Description("Bytes that tasks may hold at once, as requested by min_ram resource hints; -1 (the "
      + "default) means half of the maximum heap.")
  @Default.Long(-1)
  Long getMemoryBudget();

  void setMemoryBudget(Long bytes);

  @Description("Bytes that blocks held off the heap (Arrow batches passed between columnar steps) may take "
      + "at once, beside --memoryBudget, which bounds those on the heap; -1 (the default) means half of the "
      + "JVM's direct-memory limit (-XX:MaxDirectMemorySize, which defaults to the maximum heap).")
  @Default.Long(-1)
  Long getOffHeapMemoryBudget();

  void setOffHeapMemoryBudget(Long bytes);

  @Description("Seconds without progress in any operator after which the run logs a diagnosis naming "
      + "each waiting operator and what holds it back (repeated while the stall lasts).")
  @Default.Integer(60)
  Integer getStallTimeoutSeconds();

  void setStallTimeoutSeconds(Integer seconds);

  @Description("Seconds between progress reports logged while a run lasts (the CPUs and GPUs in use and "
      + "the bytes queued against the memory budgets, then one line per operator: actors, tasks, rows in and "
      + "out, rows per second, queued input); 0 turns them off. Runs shorter than this print none.")
  @Default.Integer(10)
  Integer getProgressIntervalSeconds();

  void setProgressIntervalSeconds(Integer seconds);

  @Description("Target number of elements per block. A block is also a Beam bundle, so larger "
      + "blocks amortise per-bundle costs; smaller ones spread small inputs over more workers.")
  @Default.Integer(4096)
  int getTargetBlockRows();

  void setTargetBlockRows(int rows);

  @Description("Bytes at which a block is sealed even below --targetBlockRows, so that large elements "
      + "(images, tensors) make blocks of a bounded size; estimated from sampled encoded sizes.")
  @Default.Long(8L << 20)
  long getTargetBlockBytes();

  void setTargetBlockBytes(long bytes);

  @Description("Times a failed task of an element-wise stage (on tasks or on an actor pool) runs again before its "
      + "failure fails the run, as a Beam runner retries a failed bundle: for transient failures (a service that "
      + "timed out). The failed attempt's output is dropped and its DoFn instances torn down (an actor is replaced "
      + "on the same devices); what it did outside the pipeline stays done. A read goes on from the chunk that "
      + "failed, its new reader passing over the records already handed on (the source must yield the same records "
      + "in the same order each time); shuffles and stateful steps are not retried. Default 0.")
  @Default.Integer(0)
  int getMaxTaskRetries();

  void setMaxTaskRetries(int retries);

  @Description("Where blocks are spilled when the memory budget is exceeded anyway (a directory per run, "
      + "deleted when the run ends); an existing, writable directory. Default: java.io.tmpdir.")
  String getSpillDirectory();

  void setSpillDirectory(String directory);

  @Description("Bytes that may wait in an operator's consumers' input queues before the operator is "
      + "held back (backpressure).")
  @Default.Long(256L << 20)
  long getMaxQueuedBytesPerOperator();

  void setMaxQueuedBytesPerOperator(long bytes);

  @Description("How much work, in milliseconds at their measured pace, an operator's consumers may have "
      + "queued before the operator is held back (or twice the operator's own time per task, if longer). "
      + "Keeps a fast read from running far ahead of a slow consumer: queued blocks on the heap are copied "
      + "by every young collection. 0 turns this bound off; the memory budgets still apply.")
  @Default.Long(500)
  long getQueuedWorkMillis();

  void setQueuedWorkMillis(long millis);

  @Description("Whether steps that can take columnar batches (MapBatches over Arrow) run on batches they "
      + "gather themselves, passing them as they are to a next such step. false makes them batch rows "
      + "and return rows, as other runners do: to compare, or to rule the hand-off out while debugging a UDF.")
  @Default.Boolean(true)
  boolean isColumnarHandoff();

  void setColumnarHandoff(boolean handoff);

  @Description("Whether element-wise steps on tasks next to a step on a CPU actor pool that can grow to every "
      + "CPU run on that pool's actors, in its stage: those whose output only feeds it (as Ray Data fuses a "
      + "task map into the actor map after it) and those that follow it. What they emit (an expansion, a "
      + "decode) then goes straight on instead of waiting in a queue. false keeps them on tasks, with "
      + "queues between.")
  @Default.Boolean(true)
  boolean isFuseTasksIntoActorPools();

  void setFuseTasksIntoActorPools(boolean fuse);

  @Description("Whether run() waits for the pipeline to finish (and throws if it fails), like DirectRunner.")
  @Default.Boolean(true)
  boolean isBlockOnRun();

  void setBlockOnRun(boolean block);

  /** The resources all tasks of a run may hold at once, with every default resolved. */
  static ExecutionResources limits(SluicePipelineOptions options) {
    double cpus = options.getNumCpus() == null || options.getNumCpus() == -1
        ? effectiveParallelism(options) : options.getNumCpus();
    double gpus = options.getNumGpus() == null || options.getNumGpus() == -1 ? GpuDetection.detect() : options.getNumGpus();
    long memory = options.getMemoryBudget() == null || options.getMemoryBudget() == -1
        ? Runtime.getRuntime().maxMemory() / 2 : options.getMemoryBudget();
    return new ExecutionResources(cpus, gpus, memory);
  }

  /** The bytes blocks may hold off the heap: the option when set, else half the direct-memory limit. */
  static long offHeapBudget(SluicePipelineOptions options) {
    Long budget = options.getOffHeapMemoryBudget();
    return budget == null || budget == -1 ? directMemoryLimit() / 2 : budget;
  }

  /** -XX:MaxDirectMemorySize where it is set; else, as the JVM itself assumes, the maximum heap. */
  private static long directMemoryLimit() {
    try {
      String value = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("MaxDirectMemorySize").getValue();
      long bytes = Long.parseLong(value);
      if (bytes > 0) {
        return bytes;
      }
    } catch (RuntimeException e) {
      // Not a HotSpot JVM: fall back to what HotSpot assumes.
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** The parallelism to use: the option when set, else the machine's core count. */
  static int effectiveParallelism(SluicePipelineOptions options) {
    Integer parallelism = options.getParallelism();
    return parallelism == null || parallelism == -1 ? Runtime.getRuntime().availableProcessors() : parallelism;
  }
}
