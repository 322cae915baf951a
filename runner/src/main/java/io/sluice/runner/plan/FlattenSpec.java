package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/**
 * The output is the union of the inputs, with no operator of its own: consumers are wired to every
 * input's producer. Also used for transforms that only pass elements through (a view's collection,
 * Reshuffle), whose redistribution the block queues already give.
 */
public record FlattenSpec(String name, List<PCollection<?>> inputs, PCollection<?> output) implements TransformSpec {
  public FlattenSpec {
    inputs = List.copyOf(inputs);
  }
}
