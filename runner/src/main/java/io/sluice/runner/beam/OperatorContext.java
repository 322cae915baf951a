package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.CoreYield;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What every Beam-layer operator of a run shares; {@code exchangePartitions} is how many partitions
 * each all-to-all exchange has, which a stage pre-combining for one splits its output into, and
 * {@code coreYield} how often the operator's record loops hand their core to other threads.
 */
record OperatorContext(PipelineOptions options, RunMetrics metrics, BlockSize blockSize, SideInputReader sideInputs,
    int exchangePartitions, CoreYield coreYield) {
  int targetBlockRows() {
    return blockSize.rows();
  }
}
