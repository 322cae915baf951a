package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reshuffle / Redistribute: the same elements, spread over more blocks so all workers share them.
 *
 * @param blockCount the number of output blocks a {@code BlockCountHint} asks for; 0 for none
 */
public record RebalanceSpec(String name, PCollection<?> input, PCollection<?> output, int blockCount)
    implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }
}
