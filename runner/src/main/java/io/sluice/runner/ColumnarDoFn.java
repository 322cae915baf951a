package io.sluice.runner;

import java.util.List;
import org.joda.time.Instant;

/**
 * Implemented by a batching DoFn whose work is defined on columnar batches (MapBatches with the
 * Arrow batch format), so that SluiceRunner can hand it whole batches instead of elements: a batch
 * that an earlier such step returned reaches it without being converted to rows and back. Other
 * runners call its element methods, which must give the same results.
 *
 * <p>SluiceRunner uses it only for a globally windowed main input, without side inputs, and cuts
 * the input into batches of the step's {@code BatchSizeHint} (only the last of what a task gets
 * may be short; without a hint, each block is a batch). It calls these methods instead of the
 * bundle and element methods, between @Setup and @Teardown.
 */
public interface ColumnarDoFn {
  /** Rows per batch; 0 to take each block as it comes. */
  int batchSize();

  /** The rows of one batch that reached the step as elements, as columns; the caller closes the result. */
  ColumnarRows toColumns(List<?> values, Instant timestamp) throws Exception;

  /**
   * The step applied to one batch, for another columnar step to read. {@code batch} stays the
   * caller's, who frees it after the call; the result is the caller's to close, and owns its
   * buffers (it may have taken them over from {@code batch}).
   */
  ColumnarRows processColumns(ColumnarRows batch) throws Exception;

  /**
   * The step applied to one batch, its outputs returned as the elements of its output collection
   * (all at the batch's timestamp), for steps that read elements. {@code batch} stays the caller's.
   */
  List<?> processColumnsToValues(ColumnarRows batch) throws Exception;
}
