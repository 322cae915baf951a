package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.SplitReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.WindowedValues;

/** Reads one split of a BoundedSource a few blocks at a time; the reader stays open in between. */
final class BoundedSourceSplit implements SplitReader {
  private static final int BLOCKS_PER_CALL = 4;

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
    return metrics.runScoped(transform, this::readChunk);
  }

  private List<OutputBlock> readChunk() throws Exception {
    List<OutputBlock> outputs = new ArrayList<>();
    BlockBuilder builder = new BlockBuilder(0, coder, targetRows, outputs);
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
        builder.add(WindowedValues.timestampedValueInGlobalWindow(reader.getCurrent(), reader.getCurrentTimestamp()));
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
      throw TransformFailedException.attribute(transform, e);
    }
    builder.seal();
    return outputs;
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
