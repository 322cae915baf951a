package io.sluice.transforms.order;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.values.PCollection;

/**
 * Ray Data's {@code randomize_block_order()} as a portable Beam transform: the same elements out,
 * redistributed arbitrarily (Beam's {@code Redistribute.arbitrarily()}).
 *
 * <pre>{@code
 * PCollection<Row> mixed = rows.apply(RandomizeBlockOrder.create());
 * }</pre>
 *
 * <p>Honestly: a Beam collection has no block order to randomize or to observe, so no runner can
 * promise more than that the elements are regrouped and the consumer no longer sees them in the
 * producer's bundles. It exists so Ray pipelines port over; for an order that can be observed use
 * {@link RandomShuffle}, which carries each element's position as data.
 */
public final class RandomizeBlockOrder<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private RandomizeBlockOrder() {}

  public static <T> RandomizeBlockOrder<T> create() {
    return new RandomizeBlockOrder<>();
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    return input.apply("Redistribute", Redistribute.arbitrarily());
  }
}
