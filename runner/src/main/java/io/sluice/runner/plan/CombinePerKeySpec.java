package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.PCollection;

/** Combine.PerKey with combiner lifting: accumulate per block before the shuffle, merge after it. */
public record CombinePerKeySpec(String name, CombineFn<?, ?, ?> fn, PCollection<?> input, PCollection<?> output)
    implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }
}
