package io.sluice.runner.engine.block;

import java.util.Collections;
import java.util.List;

/** A block of plain Java objects. The list is owned by the block and never mutated after creation. */
public final class RowBlock<T> implements Block {
  private final List<T> rows;
  private final long bytes;

  public RowBlock(List<T> rows, long bytes) {
    this.rows = Collections.unmodifiableList(rows);
    this.bytes = bytes;
  }

  public List<T> elements() {
    return rows;
  }

  @Override
  public int rows() {
    return rows.size();
  }

  @Override
  public long bytes() {
    return bytes;
  }

  /** A view of the rows, charged its proportional share of the bytes. */
  @Override
  public RowBlock<T> slice(int from, int to) {
    if (from == 0 && to == rows.size()) {
      return this;
    }
    long share = rows.isEmpty() ? 0 : bytes * (to - from) / rows.size();
    return new RowBlock<>(rows.subList(from, to), share);
  }

  @Override
  public String toString() {
    return "RowBlock{rows=" + rows.size() + ", bytes=" + bytes + "}";
  }
}
