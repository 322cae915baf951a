package io.sluice.runner;

import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;

/**
 * A Beam resource hint saying that a DoFn works in batches of this many elements (flushing a short
 * batch when its bundle ends). On an actor pool SluiceRunner then hands it bundles of whole
 * batches, so only the run's very last batch is short (a task step fuses with its producer and
 * takes what that hands it); other runners carry the hint and ignore it.
 */
public final class BatchSizeHint extends WholeNumberHint {
  public static final String URN = "sluice:hints:batch_size:v1";

  private BatchSizeHint(int batchSize) {
    super("batch size", batchSize);
  }

  public static BatchSizeHint of(int batchSize) {
    return new BatchSizeHint(batchSize);
  }

  /** {@code hints} with this batch size added. */
  public static ResourceHints add(ResourceHints hints, BatchSizeHint batchSize) {
    return hints.withHint(URN, batchSize);
  }

  public int batchSize() {
    return value();
  }

  /** Parses what {@link #toBytes()} wrote, naming the transform if it is malformed. */
  public static int parse(String transform, byte[] bytes) {
    return parse(transform, "batch size", "BatchSizeHint.of", bytes);
  }
}
