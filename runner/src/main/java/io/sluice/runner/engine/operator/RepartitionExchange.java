package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deals all elements into exactly {@code blocks} output blocks (fewer only when there are fewer
 * elements), as Ray Data's repartition does: element i of the whole input goes to block i mod n,
 * counting across input blocks, so block sizes differ by at most one however the input was cut.
 * Each partition becomes one block, which the next step takes as one task.
 */
public final class RepartitionExchange implements Exchange {
  private final int blocks;
  /** Elements dealt so far: where the next input block starts dealing. */
  private final AtomicLong dealt = new AtomicLong();

  public RepartitionExchange(int blocks) {
    if (blocks < 1) {
      throw new IllegalArgumentException("blocks must be at least 1, was " + blocks);
    }
    this.blocks = blocks;
  }

  @Override
  public int partitions() {
    return blocks;
  }

  @Override
  public Block[] partition(Block input) {
    List<?> elements = ((RowBlock<?>) input).elements();
    int rows = elements.size();
    Block[] parts = new Block[blocks];
    if (rows == 0) {
      return parts;
    }
    int first = (int) (dealt.getAndAdd(rows) % blocks);
    List<List<Object>> lists = new ArrayList<>(blocks);
    for (int p = 0; p < blocks; p++) {
      lists.add(new ArrayList<>(rows / blocks + 1));
    }
    for (int i = 0; i < rows; i++) {
      lists.get((first + i) % blocks).add(elements.get(i));
    }
    for (int p = 0; p < blocks; p++) {
      List<Object> list = lists.get(p);
      if (!list.isEmpty()) {
        parts[p] = new RowBlock<>(list, input.bytes() * list.size() / rows);
      }
    }
    return parts;
  }

  @Override
  public List<OutputBlock> reduce(int partition, List<Block> parts) {
    if (parts.isEmpty()) {
      return List.of();
    }
    List<Object> elements = new ArrayList<>();
    long bytes = 0;
    for (Block part : parts) {
      elements.addAll(((RowBlock<?>) part).elements());
      bytes += part.bytes();
    }
    return List.of(new OutputBlock(0, new RowBlock<>(elements, bytes)));
  }
}
