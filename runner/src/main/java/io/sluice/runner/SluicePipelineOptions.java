package io.sluice.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Options of {@link SluiceRunner}; each is validated when the runner is created. */
public interface SluicePipelineOptions extends PipelineOptions {
  @Description("Worker threads that run tasks at once. Defaults to the number of available cores.")
  @Default.InstanceFactory(AvailableCores.class)
  int getParallelism();

  void setParallelism(int parallelism);

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

  /** The machine's core count. */
  class AvailableCores implements DefaultValueFactory<Integer> {
    @Override
    public Integer create(PipelineOptions options) {
      return Runtime.getRuntime().availableProcessors();
    }
  }
}
