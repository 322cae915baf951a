package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Slices each block into up to {@code slices} smaller blocks, so that work which arrived
 * concentrated in a few blocks (a fan-out from a handful of seeds) spreads over all workers
 * downstream. This is what a reshuffle means on one machine. With a grouping function, elements of
 * one group stay in one slice, in their order: keyed data keeps its per-key order.
 */
public final class RebalanceFunction implements BlockFunction {
  private final int slices;
  private final ToIntFunction<Object> grouping;

  /** @param grouping hash of the group an element belongs to, or null to slice by position */
  public RebalanceFunction(int slices, ToIntFunction<Object> grouping) {
    if (slices < 1) {
      throw new IllegalArgumentException("slices must be at least 1, was " + slices);
    }
    this.slices = slices;
    this.grouping = grouping;
  }

  @Override
  public List<OutputBlock> apply(Block input) {
    RowBlock<?> block = (RowBlock<?>) input;
    int rows = block.rows();
    int count = Math.min(slices, rows);
    if (count <= 1) {
      return List.of(new OutputBlock(0, input));
    }
    if (grouping != null) {
      return sliceByGroup(block, count);
    }
    List<OutputBlock> outputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = (int) ((long) rows * i / count);
      int to = (int) ((long) rows * (i + 1) / count);
      List<?> part = block.elements().subList(from, to);
      outputs.add(new OutputBlock(0, new RowBlock<>(new ArrayList<>(part), input.bytes() * (to - from) / rows)));
    }
    return outputs;
  }

  private List<OutputBlock> sliceByGroup(RowBlock<?> block, int count) {
    List<List<Object>> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      parts.add(new ArrayList<>());
    }
    for (Object element : block.elements()) {
      parts.get(Math.floorMod(grouping.applyAsInt(element), count)).add(element);
    }
    List<OutputBlock> outputs = new ArrayList<>(count);
    long bytesPerRow = block.bytes() / block.rows();
    for (List<Object> part : parts) {
      if (!part.isEmpty()) {
        outputs.add(new OutputBlock(0, new RowBlock<>(part, bytesPerRow * part.size())));
      }
    }
    return outputs;
  }
}
