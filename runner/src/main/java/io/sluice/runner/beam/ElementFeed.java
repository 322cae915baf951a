package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.SplitReader;
import java.util.function.Consumer;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A split that can push what it reads straight into a fused stage, element by element, instead of
 * collecting blocks first: what the stage consumes is then garbage before the next element is read,
 * rather than a chunk of tens of thousands of live elements.
 */
interface ElementFeed extends SplitReader {
  /** The transform the feeding code belongs to, for its metrics and errors. */
  String transform();

  /** Pushes the next chunk into {@code sink}; {@link #isDone()} turns true after the last one. */
  void feedChunk(Consumer<WindowedValue<?>> sink) throws Exception;
}
