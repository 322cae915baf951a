package io.sluice.transforms;

import java.io.Serializable;

/** Builds a {@link BatchUdf} on the worker: the serializable part of a class UDF. */
@FunctionalInterface
public interface UdfFactory<InputT, OutputT> extends Serializable {
  BatchUdf<InputT, OutputT> create() throws Exception;
}
