package io.sluice.runner.beam;

import org.apache.beam.sdk.values.WindowedValue;

/** Where a task writes the elements leaving by one output port. */
interface PortWriter {
  void add(WindowedValue<?> element);

  /** Emits what is still buffered. */
  void seal();

  /** Estimated bytes emitted so far, sealed or buffered (0 where output is folded, as in a combine). */
  default long bytes() {
    return 0;
  }
}
