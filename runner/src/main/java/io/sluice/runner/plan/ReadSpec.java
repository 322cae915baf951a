package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.values.PCollection;

public record ReadSpec(String name, BoundedSource<?> source, PCollection<?> output) implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of();
  }
}
