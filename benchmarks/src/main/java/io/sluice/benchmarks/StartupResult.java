package io.sluice.benchmarks;

import java.util.Arrays;

/** Timings of the repeated start-up runs of one runner; {@code error} is set instead on failure. */
record StartupResult(String runner, long firstRunNanos, long[] nanos, String error) {

  static StartupResult of(String runner, long firstRunNanos, long[] nanos) {
    return new StartupResult(runner, firstRunNanos, nanos.clone(), null);
  }

  static StartupResult failed(String runner, String error) {
    return new StartupResult(runner, 0, new long[0], error);
  }

  boolean failed() {
    return error != null;
  }

  double medianMillis() {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    return median / 1e6;
  }

  double minMillis() {
    return Arrays.stream(nanos).min().orElseThrow() / 1e6;
  }
}
