package io.sluice.runner;

import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHint;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;

/**
 * A Beam resource hint saying that a DoFn works in batches of this many elements (flushing a short
 * batch when its bundle ends). On an actor pool SluiceRunner then hands it bundles of whole
 * batches, so only the run's very last batch is short (a task step fuses with its producer and
 * takes what that hands it); other runners carry the hint and ignore it.
 */
public final class BatchSizeHint extends ResourceHint {
  public static final String URN = "sluice:hints:batch_size:v1";

  private final int batchSize;

  private BatchSizeHint(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
    }
    this.batchSize = batchSize;
  }

  public static BatchSizeHint of(int batchSize) {
    return new BatchSizeHint(batchSize);
  }

  /** {@code hints} with this batch size added. */
  public static ResourceHints add(ResourceHints hints, BatchSizeHint batchSize) {
    return hints.withHint(URN, batchSize);
  }

  public int batchSize() {
    return batchSize;
  }

  /** Parses what {@link #toBytes()} wrote, naming the transform if it is malformed. */
  public static int parse(String transform, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    try {
      return new BatchSizeHint(Integer.parseInt(text.trim())).batchSize;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Transform '" + transform + "' has batch size hint '" + text
          + "'; it must be a whole number >= 1 (build it with BatchSizeHint.of)", e);
    }
  }

  @Override
  public byte[] toBytes() {
    return Integer.toString(batchSize).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BatchSizeHint hint && hint.batchSize == batchSize;
  }

  @Override
  public int hashCode() {
    return batchSize;
  }
}
