package io.sluice.runner.beam;

import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Collects the elements a task emits on one port into blocks, sealing each at the target row count
 * or byte size, whichever comes first. Bytes are estimated from a sample of each block's elements
 * (the 1st, 2nd, 4th, 8th, ...), encoded with the collection's coder, never from every element.
 */
final class BlockBuilder implements PortWriter {
  /** Charged per element for the WindowedValue wrapper, its windows and object headers. */
  private static final long PER_ELEMENT_OVERHEAD = 48;
  /** Caps the up-front allocation when blocks are configured very large. */
  private static final int MAX_PRESIZED_ROWS = 16_384;
  /** Charged for an element its coder cannot encode: it still has to be accounted for somehow. */
  private static final long UNENCODABLE_BYTES = 64;

  private final int port;
  private final Coder<Object> coder;
  private final BlockSize target;
  private final List<OutputBlock> sealed;
  private List<WindowedValue<?>> current;
  private long sampledBytes;
  private int samples;
  private long sealedBytes;

  @SuppressWarnings("unchecked")
  BlockBuilder(int port, Coder<?> coder, BlockSize target, List<OutputBlock> sealed) {
    this.port = port;
    this.coder = (Coder<Object>) coder;
    this.target = target;
    this.sealed = sealed;
    // Sized for a full block up front: growing a list of thousands by copying showed in profiles.
    this.current = new ArrayList<>(Math.min(target.rows(), MAX_PRESIZED_ROWS));
  }

  @Override
  public void add(WindowedValue<?> element) {
    current.add(element);
    int rows = current.size();
    if ((rows & (rows - 1)) == 0) { // a power of two: take a sample
      sampledBytes += encodedSize(element.getValue());
      samples++;
    }
    if (rows >= target.rows() || pendingBytes() >= target.bytes()) {
      seal();
    }
  }

  /** The estimated size of what is collected but not yet sealed. */
  long pendingBytes() {
    return samples == 0 ? 0 : current.size() * (PER_ELEMENT_OVERHEAD + sampledBytes / samples);
  }

  @Override
  public long bytes() {
    return sealedBytes + pendingBytes();
  }

  @Override
  public void seal() {
    if (current.isEmpty()) {
      return;
    }
    int rows = current.size();
    long bytes = pendingBytes();
    sealed.add(new OutputBlock(port, new RowBlock<>(current, bytes)));
    sealedBytes += bytes;
    current = new ArrayList<>(rows); // the next block is likely as large: no regrowth on the way
    sampledBytes = 0;
    samples = 0;
  }

  private long encodedSize(Object value) {
    if (coder == null) {
      return 0;
    }
    try {
      return CoderUtils.encodeToByteArray(coder, value).length;
    } catch (Exception | LinkageError e) {
      return UNENCODABLE_BYTES;
    }
  }
}
