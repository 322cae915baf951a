package io.sluice.transforms.split;

import java.math.BigInteger;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Ray Data's {@code split(n)} as a portable Beam transform: n disjoint parts whose sizes differ by
 * at most one, together the whole input.
 *
 * <pre>{@code
 * PCollectionList<Row> shards = rows.apply(Split.into(4));
 * PCollection<Row> first = shards.get(0);
 * }</pre>
 *
 * <p>Ray splits by the dataset's block order; a Beam collection has none, so the elements are first
 * put in a seeded {@code RandomShuffle} order (a fixed seed unless {@link #withSeed} names another)
 * and part i takes positions [floor(i*N/n), floor((i+1)*N/n)). So the parts are the same on every
 * runner and run, and none is biased by how the input was read. The element coder must be
 * deterministic; the input must be in the global window. Unlike Ray's {@code equal=True}, no
 * element is dropped.
 */
public final class Split<T> extends PTransform<PCollection<T>, PCollectionList<T>> {
  /** The shuffle seed when none is given: any fixed value makes the parts repeatable. */
  static final long DEFAULT_SEED = 0x5eed_5e11L;

  private final int parts;
  private final long seed;

  private Split(int parts, long seed) {
    this.parts = parts;
    this.seed = seed;
  }

  public static <T> Split<T> into(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("Split parts must be >= 1, was " + parts);
    }
    return new Split<>(parts, DEFAULT_SEED);
  }

  /** Which elements go to which part: another seed, another (equally sized) assignment. */
  public Split<T> withSeed(long seed) {
    return new Split<>(parts, seed);
  }

  @Override
  public PCollectionList<T> expand(PCollection<T> input) {
    int n = parts;
    return input.apply("Split",
        new PositionSplit<>("Split", seed, parts, total -> equalCuts(total, n)));
  }

  /** floor(i * total / parts) for i = 1 .. parts-1, exact for any total. */
  static long[] equalCuts(long total, int parts) {
    long[] cuts = new long[parts - 1];
    for (int i = 1; i < parts; i++) {
      cuts[i - 1] = BigInteger.valueOf(total).multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts))
          .longValueExact();
    }
    return cuts;
  }
}
