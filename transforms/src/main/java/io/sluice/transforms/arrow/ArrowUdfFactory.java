package io.sluice.transforms.arrow;

import java.io.Serializable;

/** Builds an {@link ArrowBatchUdf} on the worker: the serializable part of an Arrow class UDF. */
@FunctionalInterface
public interface ArrowUdfFactory extends Serializable {
  ArrowBatchUdf create() throws Exception;
}
