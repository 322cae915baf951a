package io.sluice.runner.beam;

import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.sdk.options.PipelineOptions;

/** What every Beam-layer operator of a run shares. */
record OperatorContext(PipelineOptions options, RunMetrics metrics, BlockSize blockSize, SideInputReader sideInputs) {
  int targetBlockRows() {
    return blockSize.rows();
  }
}
