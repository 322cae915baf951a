package io.sluice.runner.engine.spill;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.IntBatch;
import io.sluice.runner.engine.block.RowBlock;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** Spills {@code RowBlock<Integer>}, and columnar blocks of {@link IntBatch}, for engine tests; both come back as rows. */
public final class IntBlockCodec implements BlockCodec {
  @Override
  @SuppressWarnings("unchecked")
  public void encode(Block block, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    List<Integer> values = block instanceof ColumnarBlock columnar
        ? IntBatch.valuesOf(columnar) : ((RowBlock<Integer>) block).elements();
    for (Integer value : values) {
      data.writeInt(value);
    }
    data.flush();
  }

  @Override
  public Block decode(InputStream in, int rows, long memoryBytes) throws IOException {
    DataInputStream data = new DataInputStream(in);
    List<Integer> values = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      values.add(data.readInt());
    }
    return new RowBlock<>(values, memoryBytes);
  }
}
