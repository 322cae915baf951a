package io.sluice.transforms.arrow;

import java.io.Serializable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A function UDF over Arrow batches, for {@code MapBatches.ofArrow} (Ray Data's {@code map_batches}
 * with {@code batch_format="pyarrow"}).
 *
 * <p>Ownership: MapBatches owns {@code batch} and closes it after the call, and owns the returned
 * root, which it closes once its rows are read (on SluiceRunner, its buffers may instead go on,
 * uncopied, to the next Arrow MapBatches). The returned root may be {@code batch} itself or hold
 * some of its vectors. Allocate new vectors from {@code allocator}, which is this batch's:
 * anything allocated from it and not returned must be closed before returning, or the batch fails
 * as a leak. Keep no reference to either root after returning.
 */
@FunctionalInterface
public interface ArrowBatchFunction extends Serializable {
  VectorSchemaRoot apply(VectorSchemaRoot batch, BufferAllocator allocator) throws Exception;
}
