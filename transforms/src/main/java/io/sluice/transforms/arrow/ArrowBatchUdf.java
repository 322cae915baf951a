package io.sluice.transforms.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A class UDF over Arrow batches, for {@code MapBatches.ofArrowClass}: set up once per instance
 * (load a model), applied to every batch, closed at the end. Batches and their ownership are as
 * for {@link ArrowBatchFunction}. Built on the worker by an {@link ArrowUdfFactory}, so it need not
 * be serializable.
 */
public interface ArrowBatchUdf extends AutoCloseable {
  default void setup() throws Exception {}

  VectorSchemaRoot apply(VectorSchemaRoot batch, BufferAllocator allocator) throws Exception;

  @Override
  default void close() throws Exception {}
}
