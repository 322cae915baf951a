package io.sluice.runner.beam;

import io.sluice.runner.ColumnarRows;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.spill.BlockCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/** Spills blocks of a collection's elements with their timestamps, windows and panes, in its own coder. */
final class WindowedValueBlockCodec implements BlockCodec {
  private final Coder<WindowedValue<Object>> coder;

  @SuppressWarnings({"unchecked", "rawtypes"})
  WindowedValueBlockCodec(PCollection<?> collection) {
    this.coder = (Coder) WindowedValues.getFullCoder(
        collection.getCoder(), collection.getWindowingStrategy().getWindowFn().windowCoder());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void encode(Block block, OutputStream out) throws IOException {
    if (block instanceof ColumnarBlock columnar && columnar.batch() instanceof ColumnarRows batch) {
      // Spilled as the rows it holds, and read back as such: the columnar step it waits for takes rows too.
      for (Object value : batch.values(columnar.from(), columnar.to())) {
        coder.encode(WindowedValues.timestampedValueInGlobalWindow(value, batch.timestamp()), out);
      }
      return;
    }
    for (Object element : ((RowBlock<?>) block).elements()) {
      coder.encode((WindowedValue<Object>) element, out);
    }
  }

  @Override
  public Block decode(InputStream in, int rows, long memoryBytes) throws IOException {
    List<WindowedValue<Object>> elements = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      elements.add(coder.decode(in));
    }
    return new RowBlock<>(elements, memoryBytes);
  }
}
