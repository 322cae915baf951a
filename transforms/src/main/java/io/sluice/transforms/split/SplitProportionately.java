package io.sluice.transforms.split;

import java.util.Arrays;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Ray Data's {@code split_proportionately(proportions)} as a portable Beam transform: one part per
 * proportion plus a last part with the rest, so k proportions give k + 1 parts.
 *
 * <pre>{@code
 * PCollectionList<Row> parts = rows.apply(SplitProportionately.of(0.2, 0.5));
 * // of 10 rows: 2, 5 and the remaining 3
 * }</pre>
 *
 * <p>Sizes follow Ray exactly: part i ends at position floor(N * (p1 + ... + pi)), and where a
 * middle part would be empty the cuts before it move down by one, as Ray does. Ray then raises if
 * the first part is still empty; a Beam pipeline only learns N when it runs, so here the leading
 * parts stay empty instead (only with fewer rows than parts). Proportions must each be above 0 and
 * sum to below 1, checked at construction. Positions come from a seeded {@code RandomShuffle}
 * (fixed unless {@link #withSeed}), as in {@link Split}.
 */
public final class SplitProportionately<T> extends PTransform<PCollection<T>, PCollectionList<T>> {
  private final double[] proportions;
  private final long seed;

  private SplitProportionately(double[] proportions, long seed) {
    this.proportions = proportions;
    this.seed = seed;
  }

  public static <T> SplitProportionately<T> of(double... proportions) {
    if (proportions == null || proportions.length == 0) {
      throw new IllegalArgumentException("SplitProportionately needs at least one proportion");
    }
    double sum = 0;
    for (double proportion : proportions) {
      if (!(proportion > 0) || Double.isInfinite(proportion)) {
        throw new IllegalArgumentException("SplitProportionately proportions must each be > 0, got "
            + Arrays.toString(proportions));
      }
      sum += proportion;
    }
    if (sum >= 1) {
      throw new IllegalArgumentException("SplitProportionately proportions must sum to less than 1 (the last part "
          + "takes the rest), but " + Arrays.toString(proportions) + " sum to " + sum);
    }
    return new SplitProportionately<>(proportions.clone(), Split.DEFAULT_SEED);
  }

  /** Which elements go to which part: another seed, another assignment with the same sizes. */
  public SplitProportionately<T> withSeed(long seed) {
    return new SplitProportionately<>(proportions, seed);
  }

  @Override
  public PCollectionList<T> expand(PCollection<T> input) {
    double[] shares = proportions;
    return input.apply("Split", new PositionSplit<>("SplitProportionately", seed,
        shares.length + 1, total -> proportionalCuts(total, shares)));
  }

  /** Ray's split indices: floors of the running sums, moved down so middle parts are not empty. */
  static long[] proportionalCuts(long total, double[] proportions) {
    long[] cuts = new long[proportions.length];
    double cumulative = 0;
    for (int i = 0; i < proportions.length; i++) {
      cumulative += proportions[i];
      cuts[i] = Math.min(total, (long) (total * cumulative));
    }
    long subtract = 0;
    for (int i = cuts.length - 2; i >= 0; i--) {
      cuts[i] -= subtract;
      if (cuts[i] == cuts[i + 1]) {
        subtract++;
        cuts[i]--;
      }
    }
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = Math.max(0, cuts[i]);
    }
    return cuts;
  }
}
