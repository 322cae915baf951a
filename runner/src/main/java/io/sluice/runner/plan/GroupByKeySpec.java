package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.values.PCollection;

public record GroupByKeySpec(String name, PCollection<?> input, PCollection<?> output) implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }
}
