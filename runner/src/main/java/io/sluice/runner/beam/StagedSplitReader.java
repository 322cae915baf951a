package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.SplitReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A split whose chunks go straight through a fused stage, in the same task that read them. All
 * chunks of one read run as one bundle, so per-bundle work (and map-side combining) covers as much
 * data as the read produced at once.
 */
final class StagedSplitReader implements SplitReader {
  private final SplitReader split;
  private final FusedStageFunction stage;

  StagedSplitReader(SplitReader split, FusedStageFunction stage) {
    this.split = split;
    this.stage = stage;
  }

  @Override
  public List<OutputBlock> readSome() throws Exception {
    List<OutputBlock> chunks = split.readSome();
    if (chunks.isEmpty()) {
      return List.of();
    }
    List<Block> blocks = new ArrayList<>(chunks.size());
    for (OutputBlock chunk : chunks) {
      blocks.add(chunk.block());
    }
    return stage.apply(blocks);
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
