package io.sluice.runner.beam;

import io.sluice.runner.ColumnarRows;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.List;
import org.apache.beam.sdk.values.WindowedValue;

/** A port whose one reader takes columnar batches: each batch a columnar step returns leaves as a block. */
final class ColumnarPortWriter implements PortWriter {
  private final int port;
  private final List<OutputBlock> sealed;
  private long bytes;

  ColumnarPortWriter(int port, List<OutputBlock> sealed) {
    this.port = port;
    this.sealed = sealed;
  }

  /** Takes the batch over: its block frees it once read. */
  void add(ColumnarRows batch) {
    bytes += batch.bytes();
    sealed.add(new OutputBlock(port, new ColumnarBlock(batch)));
  }

  @Override
  public void add(WindowedValue<?> element) {
    // The plan gives a port columns only where a columnar step alone writes it.
    throw new IllegalStateException("an element reached port " + port + ", which carries columnar batches");
  }

  @Override
  public void seal() {}

  @Override
  public long bytes() {
    return bytes;
  }
}
