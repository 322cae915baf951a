package io.sluice.benchmarks;

import java.util.OptionalDouble;

/**
 * Outcome of one runner's timed throughput run. {@code loopNanos} is the hand-written loop's median
 * over runs interleaved with the runner's own, in the runner's JVM (0 where not measured);
 * {@code jitMillisPerRun} is the JIT compilation time its JVM spent during the timed runs, per run.
 */
record ThroughputResult(
    String runner, Status status, long nanos, long loopNanos, long jitMillisPerRun, long checksum, String detail) {

  enum Status {
    OK,
    CHECKSUM_MISMATCH,
    FAILED,
    NOT_AVAILABLE
  }

  static ThroughputResult ok(String runner, long nanos, long loopNanos, long jitMillisPerRun, long checksum) {
    return new ThroughputResult(runner, Status.OK, nanos, loopNanos, jitMillisPerRun, checksum, "");
  }

  static ThroughputResult mismatch(String runner, long nanos, long checksum, String detail) {
    return new ThroughputResult(runner, Status.CHECKSUM_MISMATCH, nanos, 0, 0, checksum, detail);
  }

  static ThroughputResult failed(String runner, Throwable error) {
    return new ThroughputResult(runner, Status.FAILED, 0, 0, 0, 0, String.valueOf(error));
  }

  static ThroughputResult notAvailable(String runner) {
    return new ThroughputResult(runner, Status.NOT_AVAILABLE, 0, 0, 0, 0, "");
  }

  /** A missing runner is reported but is not an error: the placeholder runner jar is expected. */
  boolean isError() {
    return status == Status.CHECKSUM_MISMATCH || status == Status.FAILED;
  }

  OptionalDouble seconds() {
    return status == Status.OK ? OptionalDouble.of(TimedRuns.seconds(nanos)) : OptionalDouble.empty();
  }
}
