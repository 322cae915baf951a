package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * Reads one split of a BoundedSource a chunk at a time; the reader stays open in between. Read on
 * its own, a chunk becomes blocks; fused with a stage, it is fed through the stage as it is read.
 */
final class BoundedSourceSplit implements ElementFeed {
  /**
   * Rows per chunk, in target-sized blocks: one task's worth. Fewer, larger chunks mean fewer
   * bundles (each ends with a map-side combine flush), while chunks fed into a stage hold no more
   * than one element live at a time.
   */
  private static final int BLOCKS_PER_CALL = 16;

  private final BoundedSource<?> source;
  private final PipelineOptions options;
  private final Coder<?> coder;
  private final int targetRows;
  private final String transform;
  private final RunMetrics metrics;
  private BoundedSource.BoundedReader<?> reader;
  private boolean done;

  BoundedSourceSplit(BoundedSource<?> source, Coder<?> coder, String transform, OperatorContext context) {
    this.source = source;
    this.options = context.options();
    this.coder = coder;
    this.targetRows = context.targetBlockRows();
    this.transform = transform;
    this.metrics = context.metrics();
  }

  @Override
  public List<OutputBlock> readSome() throws Exception {
    return metrics.runScoped(transform, () -> {
      List<OutputBlock> outputs = new ArrayList<>();
      BlockBuilder builder = new BlockBuilder(0, coder, targetRows, outputs);
      feedChunk(builder::add);
      builder.seal();
      return outputs;
    });
  }

  @Override
  public String transform() {
    return transform;
  }

  @Override
  public void feedChunk(Consumer<WindowedValue<?>> sink) {
    try {
      boolean available;
      if (reader == null) {
        reader = source.createReader(options);
        available = reader.start();
      } else {
        available = reader.advance();
      }
      long limit = (long) targetRows * BLOCKS_PER_CALL;
      long read = 0;
      while (available) {
        sink.accept(WindowedValues.timestampedValueInGlobalWindow(reader.getCurrent(), reader.getCurrentTimestamp()));
        if (++read >= limit) {
          break;
        }
        available = reader.advance();
      }
      if (!available) {
        done = true;
        close();
      }
    } catch (Exception e) {
      // A stage fed from here has already attributed its own failures; what is left is the read's.
      throw TransformFailedException.attribute(transform, e);
    }
  }

  @Override
  public boolean isDone() {
    return done;
  }

  @Override
  public void close() throws Exception {
    if (reader != null) {
      BoundedSource.BoundedReader<?> open = reader;
      reader = null;
      open.close();
    }
  }
}
