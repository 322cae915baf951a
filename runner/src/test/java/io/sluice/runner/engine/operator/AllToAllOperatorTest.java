package io.sluice.runner.engine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.PartitionedBlock;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllToAllOperatorTest {

  @Test
  void blocksPartitionedByTheirProducerArePlacedWithNoTaskInArrivalOrderAmongTheOthers() throws Exception {
    RecordingExchange exchange = new RecordingExchange();
    AllToAllOperator op = new AllToAllOperator("group", exchange, 2);

    op.addInput(rows("a1", "b1")); // raw: needs a partition task
    op.addInput(new PartitionedBlock(new Block[] {rows("a2"), rows("b2")}));
    op.addInput(new PartitionedBlock(new Block[] {null, rows("b3")}));
    op.finishInput();

    Task first = op.pollTask();
    assertTrue(first != null && op.pollTask() == null, "one task: the raw block's partitioning, none for the others");
    first.run();
    op.taskCompleted(first);

    List<String> reduced = new ArrayList<>();
    Task reduce;
    while ((reduce = op.pollTask()) != null) {
      reduce.run();
      op.taskCompleted(reduce);
    }
    OutputBlock out;
    while ((out = op.pollOutput()) != null) {
      reduced.addAll(strings(out.block()));
    }
    assertEquals(List.of("a1", "a2", "b1", "b2", "b3"), reduced,
        "each partition's blocks in arrival order, though the raw block's parts were placed last");
    assertEquals(1, exchange.partitionCalls);
    assertTrue(op.isFinished());
  }

  @Test
  void aBlockSplitForAnotherPartitionCountIsRefused() {
    AllToAllOperator op = new AllToAllOperator("group", new RecordingExchange(), 1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> op.addInput(new PartitionedBlock(new Block[] {rows("a"), rows("b"), rows("c")})));
    assertTrue(e.getMessage().contains("group has 2 partitions"), e.getMessage());
    assertFalse(op.hasTask());
  }

  private static RowBlock<String> rows(String... values) {
    return new RowBlock<>(List.of(values), 8L * values.length);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Block block) {
    return ((RowBlock<String>) block).elements();
  }

  /** Two partitions, by first letter ('a' or not); reduce concatenates in the order given. */
  private static final class RecordingExchange implements Exchange {
    int partitionCalls;

    @Override
    public int partitions() {
      return 2;
    }

    @Override
    public Block[] partition(Block input) {
      partitionCalls++;
      List<String> a = new ArrayList<>();
      List<String> other = new ArrayList<>();
      for (String s : strings(input)) {
        (s.startsWith("a") ? a : other).add(s);
      }
      return new Block[] {new RowBlock<>(a, 8L * a.size()), new RowBlock<>(other, 8L * other.size())};
    }

    @Override
    public List<OutputBlock> reduce(int partition, List<Block> blocks) {
      List<String> all = new ArrayList<>();
      blocks.forEach(block -> all.addAll(strings(block)));
      return List.of(new OutputBlock(0, new RowBlock<>(all, 8L * all.size())));
    }
  }
}
