package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.SplitReader;
import java.util.ArrayList;
import java.util.List;

/** A split whose chunks go straight through a fused stage, in the same task that read them. */
final class StagedSplitReader implements SplitReader {
  private final SplitReader split;
  private final FusedStageFunction stage;

  StagedSplitReader(SplitReader split, FusedStageFunction stage) {
    this.split = split;
    this.stage = stage;
  }

  @Override
  public List<OutputBlock> readSome() throws Exception {
    List<OutputBlock> outputs = new ArrayList<>();
    for (OutputBlock chunk : split.readSome()) {
      outputs.addAll(stage.apply(chunk.block()));
    }
    return outputs;
  }

  @Override
  public boolean isDone() {
    return split.isDone();
  }

  @Override
  public void close() throws Exception {
    try {
      split.close();
    } finally {
      stage.close();
    }
  }
}
