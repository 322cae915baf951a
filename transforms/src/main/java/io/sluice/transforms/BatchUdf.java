package io.sluice.transforms;

import java.util.List;

/**
 * A class UDF for {@link MapBatches}: set up once per instance (load a model), applied to every
 * batch, closed at the end. Instances are built by a {@link UdfFactory} on the worker, so the UDF
 * itself need not be serializable.
 */
public interface BatchUdf<InputT, OutputT> extends AutoCloseable {
  default void setup() throws Exception {}

  List<OutputT> apply(List<InputT> batch) throws Exception;

  @Override
  default void close() throws Exception {}
}
