package io.sluice.runner.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnarStageFunctionTest {
  private static Block rows(int count) {
    return new RowBlock<>(new ArrayList<>(Collections.nCopies(count, "x")), count);
  }

  private static List<Integer> sizes(List<List<Block>> batches) {
    return batches.stream().map(batch -> batch.stream().mapToInt(Block::rows).sum()).toList();
  }

  @Test
  void batchesHaveExactlyTheBatchSizeAcrossBlocksAndOnlyTheLastIsShort() {
    List<List<Block>> batches = ColumnarStageFunction.cut(List.of(rows(5), rows(0), rows(9), rows(3)), 4);
    assertEquals(List.of(4, 4, 4, 4, 1), sizes(batches));
    assertEquals(2, batches.get(1).size(), "the second batch spans the first two non-empty blocks");
  }

  @Test
  void withoutABatchSizeEachNonEmptyBlockIsABatch() {
    assertEquals(List.of(5, 9), sizes(ColumnarStageFunction.cut(List.of(rows(5), rows(0), rows(9)), 0)));
  }
}
