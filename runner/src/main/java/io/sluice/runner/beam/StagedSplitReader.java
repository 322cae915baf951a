package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.SplitReader;
import java.util.List;

/**
 * A split whose elements go straight through a fused stage as they are read, in the same task.
 * Each chunk runs as one bundle, so per-bundle work (and map-side combining) covers as much data as
 * the read produced at once.
 */
final class StagedSplitReader implements SplitReader {
  private final ElementFeed split;
  private final FusedStageFunction stage;

  StagedSplitReader(ElementFeed split, FusedStageFunction stage) {
    this.split = split;
    this.stage = stage;
  }

  @Override
  public List<OutputBlock> readSome() throws Exception {
    List<OutputBlock> output = stage.apply(split);
    split.chunkHandedOn();
    return output;
  }

  @Override
  public SplitReader splitRemainder() {
    ElementFeed residual = split.splitRemainder();
    return residual == null ? null : new StagedSplitReader(residual, stage);
  }

  @Override
  public boolean isDone() {
    return split.isDone();
  }

  @Override
  public boolean restart() {
    return split.restart();
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
