package io.sluice.runner.plan;

import java.util.List;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.PCollection;

/** Window.Assign; a null windowFn keeps the element's windows (only the strategy changed). */
public record WindowAssignSpec(String name, PCollection<?> input, PCollection<?> output, WindowFn<?, ?> windowFn)
    implements TransformSpec {
  @Override
  public List<PCollection<?>> inputs() {
    return List.of(input);
  }

  @Override
  public boolean elementWise() {
    return true;
  }
}
