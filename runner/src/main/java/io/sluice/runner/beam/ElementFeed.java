package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.SplitReader;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A split that can push what it reads straight into a fused stage, element by element, instead of
 * collecting blocks first: what the stage consumes is then garbage before the next element is read,
 * rather than a chunk of tens of thousands of live elements.
 */
interface ElementFeed extends SplitReader {
  /** The transform the feeding code belongs to, for its metrics and errors. */
  String transform();

  /**
   * Pushes the next chunk into {@code sink}; {@link #isDone()} turns true after the last one. The
   * chunk also ends once {@code outputBytes}, what the chunk has produced downstream so far,
   * reaches a few blocks' worth: a task's output must stay small beside the memory budget.
   */
  void feedChunk(Consumer<WindowedValue<?>> sink, LongSupplier outputBytes) throws Exception;

  /**
   * Says that what the chunk fed last made is complete and goes on: a {@link #restart()} after a
   * later failure goes on after that chunk.
   */
  default void chunkHandedOn() {}

  @Override
  default ElementFeed splitRemainder() {
    return null;
  }
}
