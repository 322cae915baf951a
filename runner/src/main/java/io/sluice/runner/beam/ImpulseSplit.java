package io.sluice.runner.beam;

import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/** Impulse: one empty byte array in the global window. */
final class ImpulseSplit implements ElementFeed {
  private final String transform;
  private boolean done;

  ImpulseSplit(String transform) {
    this.transform = transform;
  }

  @Override
  public List<OutputBlock> readSome() {
    done = true;
    List<WindowedValue<?>> element = List.of(WindowedValues.valueInGlobalWindow(new byte[0]));
    return List.of(new OutputBlock(0, new RowBlock<>(element, 16)));
  }

  @Override
  public String transform() {
    return transform;
  }

  @Override
  public void feedChunk(Consumer<WindowedValue<?>> sink, LongSupplier outputBytes) {
    done = true;
    sink.accept(WindowedValues.valueInGlobalWindow(new byte[0]));
  }

  @Override
  public boolean isDone() {
    return done;
  }
}
