package io.sluice.runner;

import io.sluice.runner.engine.block.ColumnarBlock;
import java.util.List;
import org.joda.time.Instant;

/**
 * A batch of rows held in columns (an Arrow record batch), as a {@link ColumnarDoFn} takes and
 * returns it. Its rows are in the global window, all at one timestamp: the latest of the inputs
 * they came from, as a batching DoFn would have output them.
 */
public interface ColumnarRows extends ColumnarBlock.Batch {
  Instant timestamp();

  /** Rows {@code from} to {@code to} as the elements of the step's output collection (Beam rows). */
  List<?> values(int from, int to);

  /** Rows {@code from} to {@code to} as a batch of their own, sharing buffers where they can; the caller closes it. */
  ColumnarRows slice(int from, int to);
}
