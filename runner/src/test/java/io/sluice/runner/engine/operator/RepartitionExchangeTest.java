package io.sluice.runner.engine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RepartitionExchangeTest {
  private static RowBlock<Integer> block(int from, int to) {
    return new RowBlock<>(IntStream.range(from, to).boxed().toList(), 10L * (to - from));
  }

  /** Partitions each input, then reduces each partition: the output blocks, in partition order. */
  private static List<Block> run(RepartitionExchange exchange, List<RowBlock<Integer>> inputs) {
    List<List<Block>> partitions = new ArrayList<>();
    for (int p = 0; p < exchange.partitions(); p++) {
      partitions.add(new ArrayList<>());
    }
    for (RowBlock<Integer> input : inputs) {
      Block[] parts = exchange.partition(input);
      for (int p = 0; p < parts.length; p++) {
        if (parts[p] != null) {
          partitions.get(p).add(parts[p]);
        }
      }
    }
    List<Block> out = new ArrayList<>();
    for (int p = 0; p < exchange.partitions(); p++) {
      for (OutputBlock block : exchange.reduce(p, partitions.get(p))) {
        out.add(block.block());
      }
    }
    return out;
  }

  @Test
  void unevenInputBlocksComeOutAsExactlyNBlocksWithinOneRowOfEachOther() {
    List<Block> out = run(new RepartitionExchange(4), List.of(block(0, 5), block(5, 6), block(6, 6), block(6, 13)));
    assertEquals(List.of(4, 3, 3, 3), out.stream().map(Block::rows).toList());
    List<Object> all = new ArrayList<>();
    out.forEach(b -> all.addAll(((RowBlock<?>) b).elements()));
    assertEquals(IntStream.range(0, 13).boxed().toList(), all.stream().sorted().toList());
    assertEquals(130, out.stream().mapToLong(Block::bytes).sum(), "the bytes move with the rows");
  }

  @Test
  void fewerElementsThanBlocksGiveOneBlockPerElement() {
    assertEquals(List.of(1, 1), run(new RepartitionExchange(5), List.of(block(0, 2))).stream().map(Block::rows).toList());
    assertThrows(IllegalArgumentException.class, () -> new RepartitionExchange(0));
  }
}
