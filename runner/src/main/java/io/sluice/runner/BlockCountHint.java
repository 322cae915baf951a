package io.sluice.runner;

import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;

/**
 * A Beam resource hint on a Reshuffle or Redistribute saying how many blocks its output should be
 * in (Ray Data's {@code repartition(num_blocks)}): SluiceRunner then deals the elements evenly into
 * exactly that many blocks (fewer only if there are fewer elements), each of which the next step
 * takes as one task. Without it a rebalance streams, slicing each block for all workers. Other
 * runners carry the hint and ignore it.
 */
public final class BlockCountHint extends WholeNumberHint {
  public static final String URN = "sluice:hints:block_count:v1";

  private BlockCountHint(int blocks) {
    super("block count", blocks);
  }

  public static BlockCountHint of(int blocks) {
    return new BlockCountHint(blocks);
  }

  /** {@code hints} with this block count added. */
  public static ResourceHints add(ResourceHints hints, BlockCountHint blocks) {
    return hints.withHint(URN, blocks);
  }

  public int blocks() {
    return value();
  }

  /** Parses what {@link #toBytes()} wrote, naming the transform if it is malformed. */
  public static int parse(String transform, byte[] bytes) {
    return parse(transform, "block count", "BlockCountHint.of", bytes);
  }
}
