package io.sluice.runner;

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

  @Description("Target number of elements per block. A block is also a Beam bundle, so larger "
      + "blocks amortise per-bundle costs; smaller ones spread small inputs over more workers.")
  @Default.Integer(4096)
  int getTargetBlockRows();

  void setTargetBlockRows(int rows);

  @Description("Bytes that may wait in an operator's consumers' input queues before the operator is "
      + "held back (backpressure).")
  @Default.Long(256L << 20)
  long getMaxQueuedBytesPerOperator();

  void setMaxQueuedBytesPerOperator(long bytes);

  @Description("Whether run() waits for the pipeline to finish (and throws if it fails), like DirectRunner.")
  @Default.Boolean(true)
  boolean isBlockOnRun();

  void setBlockOnRun(boolean block);

  /** The parallelism to use: the option when set, else the machine's core count. */
  static int effectiveParallelism(SluicePipelineOptions options) {
    Integer parallelism = options.getParallelism();
    return parallelism == null || parallelism == -1 ? Runtime.getRuntime().availableProcessors() : parallelism;
  }
}
