package io.sluice.runner.engine.spill;

import io.sluice.runner.engine.block.Block;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Encodes a whole block at once, for spilling: never element by element on the hot path. */
public interface BlockCodec {
  void encode(Block block, OutputStream out) throws IOException;

  /** @param memoryBytes the size the block had in memory, which it gets back */
  Block decode(InputStream in, int rows, long memoryBytes) throws IOException;
}
