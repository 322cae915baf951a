package io.sluice.transforms.split;

import io.sluice.transforms.order.EncodedHash;
import java.security.SecureRandom;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;

/**
 * Ray Data's {@code random_sample(fraction, seed)} as a portable Beam transform: each element is
 * kept independently with probability {@code fraction}, so the sample's size is about (not exactly)
 * fraction * N.
 *
 * <pre>{@code
 * PCollection<Row> tenth = rows.apply(RandomSample.of(0.1, 42));
 * }</pre>
 *
 * <p>An element is kept iff {@link EncodedHash} of (seed, its encoding), read as a fraction of
 * 2^64, is below {@code fraction}: the same elements on every runner and in every run for a seed,
 * with no shuffle. Equal elements are kept or dropped together. Fraction 0 keeps nothing, 1 keeps
 * everything. The element coder must be deterministic. Element-wise, so any windowing works.
 */
public final class RandomSample<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final double fraction;
  /** Null: draw one when the pipeline is built. */
  private final Long seed;

  private RandomSample(double fraction, Long seed) {
    this.fraction = fraction;
    this.seed = seed;
  }

  public static <T> RandomSample<T> of(double fraction, long seed) {
    return new RandomSample<>(checked(fraction), seed);
  }

  /** A different sample each time the pipeline is built. */
  public static <T> RandomSample<T> of(double fraction) {
    return new RandomSample<>(checked(fraction), null);
  }

  private static double checked(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("RandomSample fraction must be between 0 and 1, was " + fraction);
    }
    return fraction;
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    Coder<T> coder = input.getCoder();
    EncodedHash.requireDeterministic("RandomSample", coder);
    long chosenSeed = seed != null ? seed : new SecureRandom().nextLong();
    return input.apply("Sample", ParDo.of(new SampleFn<>(coder, chosenSeed, fraction))).setCoder(coder);
  }

  private static final class SampleFn<T> extends DoFn<T, T> {
    private final Coder<T> coder;
    private final long seed;
    private final double fraction;

    SampleFn(Coder<T> coder, long seed, double fraction) {
      this.coder = coder;
      this.seed = seed;
      this.fraction = fraction;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) throws Exception {
      if (EncodedHash.fraction(EncodedHash.of(seed, CoderUtils.encodeToByteArray(coder, element))) < fraction) {
        out.output(element);
      }
    }
  }
}
